package http_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/markdown"
)

// hostileIncident stores an incident whose narrative tries every usual way
// to put script into a page, and returns its ID.
func hostileIncident(t *testing.T, ts *testServer) string {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)
	inc := &hindsight.Incident{ID: hindsight.IncidentID(start, "hostile"), Title: `Hostile <script>alert("t")</script>`,
		Severity: hindsight.SEV2, Status: hindsight.IncidentInvestigating, Services: []string{"api"}, StartedAt: start}
	if err := ts.store.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	doc := &hindsight.Document{IncidentID: inc.ID, Status: hindsight.DocDraft, Narrative: hindsight.Narrative{
		RootCause:  `<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">`,
		Resolution: `<iframe src="https://evil.example/"></iframe> <a href="javascript:alert(4)" onclick="x()">y</a>`,
	}}
	if err := ts.store.CreateDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	return inc.ID
}

func TestPostmortemHTML(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	id := hostileIncident(t, ts)
	seedIncidents(t, ts)

	resp, b := ts.get(t, "/api/v1/incidents/"+id+"/postmortem.html")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	h := resp.Header
	if got := h.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != markdown.PageCSP {
		t.Errorf("headers %v", h)
	}
	if got := h.Get("Content-Disposition"); got != `inline; filename="2026-03-04-hostile-script-alert-t-script.html"` {
		t.Errorf("Content-Disposition %q", got)
	}
	page := strings.ToLower(string(b))
	for _, bad := range []string{"<script", "javascript:", "onerror=", "onclick=", "<iframe", "evil.example"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if !strings.Contains(string(b), "<!DOCTYPE html>") || !strings.Contains(string(b), "@media print") {
		t.Errorf("not a standalone printable page:\n%.300s", b)
	}
	checkNotFound(t, ts, ".html")
}

func TestPostmortemJSON(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	id := hostileIncident(t, ts)
	seedIncidents(t, ts)

	resp, b := ts.get(t, "/api/v1/incidents/"+id+"/postmortem.json")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		resp.Header.Get("Content-Disposition") != `inline; filename="2026-03-04-hostile-script-alert-t-script.json"` {
		t.Fatalf("status %d, headers %v: %s", resp.StatusCode, resp.Header, b)
	}
	var got hindsight.Postmortem
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want, err := ts.store.FindPostmortem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want.SLO = hindsight.DefaultSLOTargets() // configuration, shown beside what is stored
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if string(wj) != string(gj) {
		t.Errorf("got %s\nwant %s", gj, wj)
	}
	checkNotFound(t, ts, ".json")
}

// checkNotFound asks for an unknown incident and one without a document.
func checkNotFound(t *testing.T, ts *testServer, ext string) {
	t.Helper()
	for _, tt := range []struct{ name, id, message string }{
		{"UnknownID", "INCIDENT-20000101-0000-nothing", "not found"},
		{"NoDocument", "INCIDENT-20261127-0300-c", "no post-mortem"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := ts.get(t, "/api/v1/incidents/"+tt.id+"/postmortem"+ext)
			var e struct{ Error, Code string }
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatalf("status %d, body not JSON: %s", resp.StatusCode, b)
			}
			if resp.StatusCode != 404 || e.Code != hindsight.ENOTFOUND || !strings.Contains(e.Error, tt.message) {
				t.Errorf("status %d body %s, want 404 with %q", resp.StatusCode, b, tt.message)
			}
		})
	}
}
