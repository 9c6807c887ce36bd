package evidence_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/evidence"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// fakeGrafana checks every request against Grafana's annotations API as
// documented (grafana.com/docs/grafana/latest/developers/http_api/annotations):
// POST /api/annotations and PATCH /api/annotations/:id, a bearer token,
// a JSON body of exactly time and timeEnd (epoch milliseconds), tags and
// text. It answers 503 to the first failFirst requests.
type fakeGrafana struct {
	t         *testing.T
	token     string
	mu        sync.Mutex
	failFirst int
	requests  []grafanaRequest
	nextID    int64
}

type grafanaRequest struct {
	Method, Path string
	Body         map[string]any
}

func (f *fakeGrafana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failFirst > 0 {
		f.failFirst--
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		f.t.Errorf("Authorization %q", got)
		http.Error(w, `{"message":"Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("Content-Type %q, want application/json", ct)
	}
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		f.t.Errorf("body %s: %v", b, err)
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "tags,text,time,timeEnd" {
		f.t.Errorf("body keys %v, want time, timeEnd, tags, text", keys)
	}
	for _, k := range []string{"time", "timeEnd"} {
		if v, ok := body[k].(float64); !ok || v != float64(int64(v)) || v < 1e12 {
			f.t.Errorf("%s = %v, want epoch milliseconds", k, body[k])
		}
	}
	f.requests = append(f.requests, grafanaRequest{Method: r.Method, Path: r.URL.Path, Body: body})
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/annotations":
		f.nextID++
		json.NewEncoder(w).Encode(map[string]any{"message": "Annotation added", "id": f.nextID})
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/api/annotations/"):
		json.NewEncoder(w).Encode(map[string]any{"message": "Annotation patched"})
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func TestAnnotator(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		ctx := context.Background()
		fake := &fakeGrafana{t: t, token: "glsa_test", failFirst: 2}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		a := &evidence.Annotator{Store: store,
			Grafana: &evidence.Grafana{URL: srv.URL + "/", Token: "glsa_test", Backoff: time.Millisecond}}

		start := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
		inc := &hindsight.Incident{ID: hindsight.IncidentID(start, "HighErrorRate"), Title: "HighErrorRate", AlertName: "HighErrorRate",
			Severity: hindsight.SEV2, Status: hindsight.IncidentInvestigating, Services: []string{"api"}, StartedAt: start}
		if err := store.CreateIncident(ctx, inc); err != nil {
			t.Fatal(err)
		}
		// Open: one annotation, after two 503s retried.
		if n, err := a.Pass(ctx, time.Now()); err != nil || n != 1 {
			t.Fatalf("first pass: %d, %v; want one annotation written", n, err)
		}
		if n, err := a.Pass(ctx, time.Now()); err != nil || n != 0 {
			t.Fatalf("second pass: %d, %v; want nothing to do", n, err)
		}
		if len(fake.requests) != 1 || fake.requests[0].Method != http.MethodPost || fake.requests[0].Path != "/api/annotations" {
			t.Fatalf("requests after two passes of an open incident: %+v", fake.requests)
		}
		body := fake.requests[0].Body
		if body["time"] != float64(start.UnixMilli()) || body["timeEnd"] != float64(start.UnixMilli()) {
			t.Errorf("open annotation spans %v..%v, want the start %d", body["time"], body["timeEnd"], start.UnixMilli())
		}
		if tags, _ := body["tags"].([]any); len(tags) != 2 || tags[0] != "incident" || tags[1] != inc.ID {
			t.Errorf("tags %v, want [incident %s]", body["tags"], inc.ID)
		}
		// Resolved: the region's end is written once.
		end := start.Add(40 * time.Minute)
		inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &end
		if err := store.UpdateIncident(ctx, inc, inc.Version); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := a.Pass(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if len(fake.requests) != 2 {
			t.Fatalf("requests: %+v, want a POST and one PATCH", fake.requests)
		}
		patch := fake.requests[1]
		if patch.Method != http.MethodPatch || patch.Path != "/api/annotations/1" || patch.Body["timeEnd"] != float64(end.UnixMilli()) {
			t.Errorf("close request %+v, want PATCH /api/annotations/1 with timeEnd %d", patch, end.UnixMilli())
		}
		rec, err := store.FindAnnotation(ctx, inc.ID)
		if err != nil || !rec.Closed || rec.AnnotationID != 1 {
			t.Errorf("record %+v, %v", rec, err)
		}
	})
}

func TestGrafana_PermanentErrorNotRetried(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		http.Error(w, `{"message":"bad request"}`, http.StatusBadRequest)
	}))
	defer srv.Close()
	g := &evidence.Grafana{URL: srv.URL, Token: "x", Backoff: time.Millisecond}
	_, err := g.Create(context.Background(), &hindsight.Incident{ID: "INCIDENT-x", StartedAt: time.Now()})
	if err == nil || calls != 1 {
		t.Errorf("err %v after %d calls, want an error after one call", err, calls)
	}
}
