package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestMain_ReviewAPIAndDailyFollowUp starts the server on an incident
// resolved 40 days ago: the follow-up pass that Run starts computes its
// follow-up, and the review API answers with the token's identity.
func TestMain_ReviewAPIAndDailyFollowUp(t *testing.T) {
	t.Parallel()
	db := teststore.SQLiteDSN(t)
	now := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	m := MustRunMain(t, db, func(m *Main) { m.Now = func() time.Time { return now } })
	ctx := context.Background()
	start := now.AddDate(0, 0, -41)
	end := start.Add(time.Hour)
	inc := &hindsight.Incident{ID: "INCIDENT-old", Title: "Old", Severity: hindsight.SEV3, Status: hindsight.IncidentResolved, StartedAt: start, ResolvedAt: &end}
	if err := m.Store.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	secret, err := hindsight.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Store.CreateToken(ctx, &hindsight.APIToken{Name: "viewer", Role: "viewer", Hash: hindsight.HashToken(secret)}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", m.URL()+"/api/v1/actions", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/actions: %d", resp.StatusCode)
	}
	// The incident was created after Run's first pass: stop the pass, as
	// Close does, and run one by hand through the wired service.
	m.closeFollowUps()
	m.startFollowUps()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := m.Store.FindFollowUp(ctx, inc.ID); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("no follow-up computed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
