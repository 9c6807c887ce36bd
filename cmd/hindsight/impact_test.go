package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// createResolved stores a resolved incident of the service api.
func createResolved(t *testing.T, s hindsight.Store, n int, title string) *hindsight.Incident {
	t.Helper()
	inc := storetest.MustCreateIncident(t, s, storetest.NewIncident(n, title))
	storetest.Resolve(t, s, inc, 30*time.Minute)
	return inc
}

// waitImpact waits until the incident's stored impact satisfies ok.
func waitImpact(t *testing.T, s *sqlstore.Store, id string, ok func(r *hindsight.ImpactRecord) bool) *hindsight.ImpactRecord {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := s.FindImpact(context.Background(), id)
		if err == nil && ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("impact of %s after 30s: %+v (%v)", id, r, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServe_ImpactWorker(t *testing.T) {
	t.Parallel()
	prom := testenv.StartFakePrometheus(t)
	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Config.Prometheus.URL = prom.URL
		m.ImpactInterval = 20 * time.Millisecond
	})
	inc := createResolved(t, m.Store, 0, "Measured")
	r := waitImpact(t, m.Store, inc.ID, func(r *hindsight.ImpactRecord) bool { return true })
	if !r.Impact.Availability.Measured || r.Impact.Availability.Value != 99 || r.NeedsRetry || r.Attempts != 1 {
		t.Fatalf("impact: %+v", r)
	}
	pm, err := m.Store.FindPostmortem(context.Background(), inc.ID)
	if err != nil || pm.Impact == nil {
		t.Fatalf("FindPostmortem: %v", err)
	}
	if doc := renderString(t, *pm); !strings.Contains(doc, "- **Availability**: 99% uptime[^1] (SLO: 99.9%)") {
		t.Errorf("document lacks the measured availability:\n%s", doc)
	}
}

// TestServe_WebhookNeverWaitsForPrometheus: with a Prometheus that never
// answers, the resolving notification is still answered, and the worker
// later records the timeout.
func TestServe_WebhookNeverWaitsForPrometheus(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Config.Prometheus.URL = hang.URL
		m.Config.Prometheus.Timeout = config.Duration(300 * time.Millisecond)
		m.ImpactInterval = 20 * time.Millisecond
	})
	client := &http.Client{Timeout: 10 * time.Second}
	for _, name := range groupSequence {
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/api/v1/alerts/alertmanager", bytes.NewReader(readFixture(t, name)))
		req.Header.Set("Authorization", "Bearer "+serveToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: the webhook did not answer: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", name, resp.StatusCode)
		}
	}
	incs, _, err := m.Store.FindIncidents(context.Background(), hindsight.IncidentFilter{Status: hindsight.IncidentResolved})
	if err != nil || len(incs) != 1 {
		t.Fatalf("resolved incidents: %d, %v", len(incs), err)
	}
	r := waitImpact(t, m.Store, incs[0].ID, func(r *hindsight.ImpactRecord) bool { return true })
	if got := r.Impact.Availability.Reason; !strings.Contains(got, "not measured: Prometheus did not answer within 300ms") || !r.NeedsRetry {
		t.Fatalf("impact after a hanging Prometheus: %+v", r)
	}
}

func renderString(t *testing.T, pm hindsight.Postmortem) string {
	t.Helper()
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, pm, nil); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// resolvedDocument writes a resolved incident's draft to a file.
func resolvedDocument(t *testing.T) string {
	t.Helper()
	inc := *storetest.NewIncident(0, "HighAPIErrorRate")
	end := inc.StartedAt.Add(40 * time.Minute)
	inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &end
	pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "oncall", Now: inc.StartedAt})
	pm.Document.Narrative.RootCause = "A bad deploy"
	path := filepath.Join(t.TempDir(), "postmortem.md")
	if err := os.WriteFile(path, []byte(renderString(t, pm)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImpactCmd_File(t *testing.T) {
	t.Parallel()
	prom := testenv.StartFakePrometheus(t)
	path := resolvedDocument(t)
	code, out, errOut := runCLI(t, "", "impact", "--file", path, "--prometheus", prom.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, _ := os.ReadFile(path)
	doc := string(b)
	for _, want := range []string{"- **Availability**: 99% uptime[^1] (SLO: 99.9%)", "- Root Cause: A bad deploy", "Wrote " + path} {
		if !strings.Contains(doc+out, want) {
			t.Errorf("lacks %q:\n%s\n%s", want, out, doc)
		}
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}
	pm, err := postmortem.Parse(b)
	if err != nil || pm.Impact == nil || len(pm.Document.Narrative.Extra) > 0 {
		t.Fatalf("the filled document does not parse back: %v %+v", err, pm.Document.Narrative.Extra)
	}
	if code, _, errOut := runCLI(t, "", "impact", "--file", path, "--prometheus", prom.URL); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
	if again, _ := os.ReadFile(path); string(again) != doc {
		t.Errorf("a second run with the same answers changed the document")
	}
}

func TestImpactCmd_Unreachable(t *testing.T) {
	t.Parallel()
	path := resolvedDocument(t)
	code, _, errOut := runCLI(t, "", "impact", "--file", path, "--prometheus", "http://127.0.0.1:1")
	if code != 0 {
		t.Fatalf("exit %d, want 0: %s", code, errOut)
	}
	if n := strings.Count(errOut, "hindsight: warning: "); n < 9 {
		t.Errorf("%d warnings, want one per unmeasured figure:\n%s", n, errOut)
	}
	if !strings.Contains(errOut, "warning: availability not measured: Prometheus unreachable at http://127.0.0.1:1") {
		t.Errorf("stderr: %s", errOut)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "- **Availability**: not measured: Prometheus unreachable at") {
		t.Errorf("document:\n%s", b)
	}
}

func TestImpactCmd_Incident(t *testing.T) {
	t.Parallel()
	prom := testenv.StartFakePrometheus(t)
	db := teststore.SQLiteDSN(t)
	s := teststore.Open(t, db)
	inc := createResolved(t, s, 0, "FromCLI")
	s.Close()
	code, out, errOut := runCLI(t, "", "impact", inc.ID, "--db", db, "--prometheus", prom.URL)
	if code != 0 || !strings.Contains(out, "availability:") || !strings.Contains(out, "99%") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	s = teststore.Open(t, db)
	defer s.Close()
	if r, err := s.FindImpact(context.Background(), inc.ID); err != nil || !r.Impact.Availability.Measured {
		t.Fatalf("stored: %+v %v", r, err)
	}
	code, _, errOut = runCLI(t, "", "impact", "INCIDENT-20250101-0000-nope", "--db", db, "--prometheus", prom.URL)
	if code != 2 || !strings.Contains(errOut, "INCIDENT-20250101-0000-nope") {
		t.Errorf("unknown incident: exit %d: %s", code, errOut)
	}
}

func TestImpactCmd_Usage(t *testing.T) {
	t.Setenv("HINDSIGHT_PROMETHEUS_URL", "")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"impact"}, "give an INCIDENT-ID"},
		{[]string{"impact", "X", "--file", "a.md", "--prometheus", "http://127.0.0.1:9090"}, "not both"},
		{[]string{"impact", "--file", "a.md"}, "no Prometheus URL"},
		{[]string{"impact", "--file", "a.md", "--prometheus", "ftp://x"}, "absolute http or https URL"},
		{[]string{"impact", "--file", filepath.Join(t.TempDir(), "missing.md"), "--prometheus", "http://127.0.0.1:9090"}, "no such file"},
	} {
		code, _, errOut := runCLI(t, "", tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
