package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestServe_Paging runs the server program with paging configured against
// a real Alertmanager: a silence made there becomes the incident's
// acknowledgement through the silences worker, and the PagerDuty webhook
// is served with its signature checked.
func TestServe_Paging(t *testing.T) {
	t.Parallel()
	port := testenv.FreePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	am := testenv.StartAlertmanager(t, testenv.AlertmanagerOptions{WebhookURL: base + "/api/v1/alerts/alertmanager", BearerToken: serveToken})
	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Config.Server.Addr = "127.0.0.1:" + strconv.Itoa(port)
		m.Config.Paging.Alertmanager.URLs = []string{am.URL}
		m.Config.Paging.Alertmanager.PollInterval = config.Duration(time.Second)
		m.Config.Paging.PagerDuty.SigningSecret = "pd-secret"
	})
	ctx := context.Background()
	if got := strings.Join(pagingTools(m.Config), ","); got != "alertmanager_silences,pagerduty" {
		t.Errorf("the start-up line names the paging tools %q, want alertmanager_silences,pagerduty", got)
	}

	post := func(url string, body any) []byte {
		t.Helper()
		b, _ := json.Marshal(body)
		resp, err := http.Post(url, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		_, _ = out.ReadFrom(resp.Body)
		if resp.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %s %s", url, resp.Status, out.String())
		}
		return out.Bytes()
	}
	post(am.URL+"/api/v2/alerts", []map[string]any{{"labels": map[string]string{"alertname": "QueueStuck"}}})
	var incident string
	waitUntilPaged(t, func() bool {
		list, _, err := m.Store.FindIncidents(ctx, hindsight.IncidentFilter{})
		if err == nil && len(list) == 1 {
			incident = list[0].ID
		}
		return incident != ""
	})
	now := time.Now().UTC()
	post(am.URL+"/api/v2/silences", map[string]any{
		"matchers": []map[string]any{{"name": "alertname", "value": "QueueStuck", "isRegex": false, "isEqual": true}},
		"startsAt": now.Format(time.RFC3339), "endsAt": now.Add(time.Hour).Format(time.RFC3339),
		"createdBy": "carol", "comment": "draining the queue",
	})
	waitUntilPaged(t, func() bool {
		pm, err := m.Store.FindPostmortem(ctx, incident)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range pm.Timeline {
			if ev.Type == hindsight.EventAcknowledged && ev.Actor == "carol" && strings.Contains(ev.Action, "draining the queue") {
				return true
			}
		}
		return false
	})

	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "paging", "pagerduty-incident-acknowledged.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		secret string
		want   int
	}{{"wrong", http.StatusUnauthorized}, {"pd-secret", http.StatusAccepted}} {
		mac := hmac.New(sha256.New, []byte(tc.secret))
		mac.Write(body)
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/paging/pagerduty", bytes.NewReader(body))
		req.Header.Set("X-PagerDuty-Signature", "v1="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("PagerDuty webhook signed with %q: %d, want %d", tc.secret, resp.StatusCode, tc.want)
		}
	}
}

// waitUntilPaged polls ok every 100ms for up to 30s.
func waitUntilPaged(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
