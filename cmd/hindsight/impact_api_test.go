package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestServe_ImpactAPIWithoutPrometheus: asking a server without Prometheus
// to measure an incident answers 200 with the stored record, whose
// query-based figures say why they are not measured, as docs/api.md says.
func TestServe_ImpactAPIWithoutPrometheus(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, teststore.SQLiteDSN(t), nil)
	inc := createResolved(t, m.Store, 0, "Unconfigured")
	secret, err := hindsight.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Store.CreateToken(context.Background(), &hindsight.APIToken{Name: "ed", Role: "editor", Hash: hindsight.HashToken(secret)}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, m.URL()+"/api/v1/incidents/"+inc.ID+"/impact", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "not measured: no Prometheus URL is configured") {
		t.Errorf("POST impact without Prometheus: %d %s", resp.StatusCode, b)
	}
}
