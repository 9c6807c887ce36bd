package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/storetest"
)

// fakeImpact stores a fixed impact, as the server's computer would.
type fakeImpact struct {
	store hindsight.ImpactService
	calls int
}

func (f *fakeImpact) ComputeImpact(ctx context.Context, id string) (*hindsight.ImpactRecord, error) {
	f.calls++
	r := &hindsight.ImpactRecord{IncidentID: id, Attempts: 1,
		Impact: hindsight.Impact{Availability: hindsight.Figure{Value: 99.5, Unit: hindsight.UnitPercent, Measured: true, Query: "q"}}}
	if err := f.store.SaveImpact(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

func TestImpactCompute(t *testing.T) {
	var comp *fakeImpact
	ts := MustOpenServer(t, func(s *hhttp.Server) {})
	ts.Tokens = ts.store
	comp = &fakeImpact{store: ts.store}
	ts.Impact = comp
	inc := storetest.MustCreateIncident(t, ts.store, storetest.NewIncident(0, "ImpactRoute"))
	editor := mustCreateToken(t, ts.store, "editor", hindsight.RoleEditor)
	viewer := mustCreateToken(t, ts.store, "viewer", hindsight.RoleViewer)
	post := func(id, token string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, ts.url+"/api/v1/incidents/"+id+"/impact", nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, b := mustDo(t, http.DefaultClient, req)
		return resp.StatusCode, b
	}
	if code, _ := post(inc.ID, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _ := post(inc.ID, viewer); code != http.StatusForbidden {
		t.Errorf("viewer: %d, want 403", code)
	}
	if code, _ := post("INCIDENT-20250101-0000-nope", editor); code != http.StatusNotFound {
		t.Errorf("unknown incident: %d, want 404", code)
	}
	code, body := post(inc.ID, editor)
	if code != http.StatusOK {
		t.Fatalf("editor: %d %s", code, body)
	}
	var got hindsight.ImpactRecord
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.IncidentID != inc.ID || !got.Impact.Availability.Measured || got.Impact.Availability.Value != 99.5 {
		t.Fatalf("answer: %s", body)
	}
	pm, err := ts.store.FindPostmortem(context.Background(), inc.ID)
	if err != nil || pm.Impact == nil {
		t.Fatalf("stored impact: %v %+v", err, pm)
	}
}

func TestImpactCompute_NotWired(t *testing.T) {
	ts := MustOpenServer(t, nil)
	ts.Tokens = ts.store
	inc := storetest.MustCreateIncident(t, ts.store, storetest.NewIncident(0, "NoComputer"))
	editor := mustCreateToken(t, ts.store, "editor", hindsight.RoleEditor)
	req, _ := http.NewRequest(http.MethodPost, ts.url+"/api/v1/incidents/"+inc.ID+"/impact", nil)
	req.Header.Set("Authorization", "Bearer "+editor)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", resp.StatusCode)
	}
}
