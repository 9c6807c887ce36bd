package paging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/paging"
)

// amCall sends a request to an Alertmanager's API and decodes the answer.
func amCall(t *testing.T, method, url string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s\n%s", method, url, resp.Status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, url, err, raw)
		}
	}
}

// createSilence creates a silence through the Alertmanager API (as amtool
// and the UI do) and returns its ID.
func createSilence(t *testing.T, amURL, createdBy, comment string, matchers ...map[string]any) string {
	t.Helper()
	now := time.Now().UTC()
	var res struct {
		SilenceID string `json:"silenceID"`
	}
	amCall(t, http.MethodPost, amURL+"/api/v2/silences", map[string]any{
		"matchers": matchers, "startsAt": now.Format(time.RFC3339Nano), "endsAt": now.Add(time.Hour).Format(time.RFC3339Nano),
		"createdBy": createdBy, "comment": comment,
	}, &res)
	if res.SilenceID == "" {
		t.Fatal("Alertmanager returned no silence ID")
	}
	return res.SilenceID
}

// getSilence returns a silence as an Alertmanager has it, or nil.
func getSilence(t *testing.T, amURL, id string) *paging.Silence {
	t.Helper()
	var list []*paging.Silence
	amCall(t, http.MethodGet, amURL+"/api/v2/silences", nil, &list)
	for _, s := range list {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// waitFor polls ok every 100ms for up to 30s.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestSilencePoller_RealAlertmanager(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		e := newEnv(t, dsn, nil)
		opts := testenv.AlertmanagerOptions{WebhookURL: e.webhookURL(), BearerToken: webhookToken, Cluster: true}
		am1 := testenv.StartAlertmanager(t, opts)
		opts.ClusterPeers = []string{am1.ClusterAddress}
		am2 := testenv.StartAlertmanager(t, opts)

		// A firing alert with only an alert name and an odd label, sent to
		// both members of the pair as Prometheus sends it.
		labels := map[string]string{"alertname": "DiskFull", "mount": "/données ✓"}
		for _, am := range []string{am1.URL, am2.URL} {
			amCall(t, http.MethodPost, am+"/api/v2/alerts", []map[string]any{{"labels": labels}}, nil)
		}
		var incident string
		waitFor(t, "the incident", func() bool {
			incs, err := e.store.FindPageableIncidents(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if len(incs) == 1 && len(incs[0].Alerts) == 1 {
				incident = incs[0].ID
			}
			return incident != ""
		})

		other := createSilence(t, am1.URL, "nobody", "another alert",
			map[string]any{"name": "alertname", "value": "Other", "isRegex": false, "isEqual": true})
		// A creator name longer than the store keeps: skipped and logged,
		// without stopping the other silences.
		long := createSilence(t, am1.URL, strings.Repeat("x", 300), "too long a name",
			map[string]any{"name": "alertname", "value": "DiskFull", "isRegex": false, "isEqual": true})
		id := createSilence(t, am1.URL, "Zoë Ångström", "looking into the disk",
			map[string]any{"name": "alertname", "value": "DiskFull", "isRegex": false, "isEqual": true},
			map[string]any{"name": "mount", "value": "/donn.*", "isRegex": true, "isEqual": true})
		waitFor(t, "the silence on the second Alertmanager", func() bool { return getSilence(t, am2.URL, id) != nil })
		silence := getSilence(t, am1.URL, id)
		if other == id || silence == nil {
			t.Fatal("the silences were not created")
		}

		poller := &paging.SilencePoller{URLs: []string{am1.URL, am2.URL, "http://user:hunter2@127.0.0.1:1"}, Service: e.svc}
		n, err := poller.Poll(ctx)
		if err != nil || n != 1 {
			t.Fatalf("first poll: %d events, %v; want 1", n, err)
		}
		for i := 0; i < 2; i++ {
			if n, err := poller.Poll(ctx); err != nil || n != 0 {
				t.Fatalf("poll again: %d events, %v; want none", n, err)
			}
		}
		got := e.acknowledged(t, incident)
		if len(got) != 1 {
			t.Fatalf("%d acknowledged events, want 1: %+v", len(got), got)
		}
		ev := got[0]
		if ev.Actor != "Zoë Ångström" || !ev.Time.Equal(silence.UpdatedAt.UTC().Truncate(time.Microsecond)) ||
			!strings.Contains(ev.Action, "looking into the disk") || ev.Source != "alertmanager" {
			t.Errorf("event %+v, want Zoë Ångström at %s with the comment", ev, silence.UpdatedAt)
		}
		acks, err := e.store.FindAcknowledgements(ctx, incident)
		if err != nil || len(acks) != 1 || acks[0].Ref != id {
			t.Errorf("acknowledgements %+v, %v; want the silence %s once", acks, err, id)
		}
		if logs := e.logs.String(); !strings.Contains(logs, `silence not recorded" silence=`+long) {
			t.Errorf("the silence with a too long creator is not logged:\n%s", logs)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "cannot read Alertmanager silences") || strings.Contains(logs, "hunter2") {
			t.Errorf("the unreachable Alertmanager is not logged, or its password is:\n%s", logs)
		}

		// Another instance polling the same store adds nothing either.
		again := &paging.SilencePoller{URLs: []string{am2.URL}, Service: &paging.Service{Incidents: e.store, Recorder: e.review}}
		if n, err := again.Poll(ctx); err != nil || n != 0 {
			t.Errorf("a second instance: %d events, %v; want none", n, err)
		}
	})
}

func TestSilencePoller_NoAlertmanager(t *testing.T) {
	e := newEnv(t, teststore.SQLiteDSN(t), nil)
	p := &paging.SilencePoller{URLs: []string{"http://127.0.0.1:1"}, Service: e.svc}
	if _, err := p.Poll(context.Background()); hindsight.ErrorCode(err) != hindsight.EUNAVAILABLE {
		t.Fatalf("err %v, want EUNAVAILABLE when no Alertmanager answers", err)
	}
}

func TestMatchers(t *testing.T) {
	labels := map[string]string{"alertname": "HighAPIErrorRate", "service": "api", "région": "eu-ouest"}
	for _, tc := range []struct {
		name string
		ms   []hindsight.LabelMatcher
		want bool
	}{
		{"Equal", []hindsight.LabelMatcher{{Name: "alertname", Value: "HighAPIErrorRate", IsEqual: true}}, true},
		{"EqualOther", []hindsight.LabelMatcher{{Name: "alertname", Value: "High", IsEqual: true}}, false},
		{"RegexAnchored", []hindsight.LabelMatcher{{Name: "alertname", Value: "High", IsRegex: true, IsEqual: true}}, false},
		{"Regex", []hindsight.LabelMatcher{{Name: "alertname", Value: "High.*", IsRegex: true, IsEqual: true}}, true},
		{"NotEqual", []hindsight.LabelMatcher{{Name: "service", Value: "api", IsEqual: false}}, false},
		{"NotRegex", []hindsight.LabelMatcher{{Name: "service", Value: "web|db", IsRegex: true}}, true},
		{"MissingIsEmpty", []hindsight.LabelMatcher{{Name: "team", Value: "", IsEqual: true}}, true},
		{"Unicode", []hindsight.LabelMatcher{{Name: "région", Value: "eu-.*", IsRegex: true, IsEqual: true}}, true},
		{"AllMustMatch", []hindsight.LabelMatcher{{Name: "service", Value: "api", IsEqual: true}, {Name: "alertname", Value: "X", IsEqual: true}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := hindsight.CompileMatchers(tc.ms)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Match(labels); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := hindsight.CompileMatchers([]hindsight.LabelMatcher{{Name: "a", Value: "(", IsRegex: true}}); hindsight.ErrorCode(err) != hindsight.EINVALID {
		t.Errorf("a bad expression: %v, want EINVALID", err)
	}
}

// TestSilencePoller_Window: of an Alertmanager's silences (served here in
// the shape of its API v2), only those made while the incident was open
// and already started acknowledge it.
func TestSilencePoller_Window(t *testing.T) {
	e := newEnv(t, teststore.SQLiteDSN(t), testenv.NewClock(clockAt).Now)
	firing := testdata(t, "alertmanager", "0-single-alert-firing.json")
	incident := e.ingest(t, firing)
	resolved := replace(t, firing, `"status": "firing"`, `"status": "resolved"`)
	resolved = replace(t, resolved, `"endsAt": "0001-01-01T00:00:00Z"`, `"endsAt": "2026-11-27T05:50:00Z"`)
	e.ingest(t, resolved)
	silence := func(id, state, updated string) map[string]any {
		return map[string]any{"id": id, "status": map[string]string{"state": state}, "updatedAt": updated,
			"startsAt": updated, "endsAt": "2026-11-27T07:00:00Z", "createdBy": "who-" + id, "comment": "c",
			"matchers": []map[string]any{{"name": "alertname", "value": "HighAPIErrorRate", "isRegex": false}}}
	}
	list := []map[string]any{
		silence("before-start", "expired", "2026-11-27T05:00:00Z"),
		silence("after-resolution", "active", "2026-11-27T05:55:00Z"),
		silence("pending", "pending", "2026-11-27T05:40:00Z"),
		silence("during", "expired", "2026-11-27T05:42:00Z"),
	}
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v2/silences" || r.Method != http.MethodGet {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		}
		_ = json.NewEncoder(w).Encode(list)
	}))
	t.Cleanup(am.Close)
	n, err := (&paging.SilencePoller{URLs: []string{am.URL}, Service: e.svc}).Poll(context.Background())
	got := e.acknowledged(t, incident)
	if err != nil || n != 1 || len(got) != 1 || got[0].Actor != "who-during" {
		t.Fatalf("%d recorded, %v, events %+v; want only the silence made during the incident", n, err, got)
	}
}
