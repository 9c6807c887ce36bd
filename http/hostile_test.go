package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// hostileCase is one request no store may keep, and the status it gets.
type hostileCase struct {
	name   string
	method string
	path   string // {id} and {action} are replaced
	body   string
	// webhook sends the webhook's credentials, else an editor's token.
	webhook bool
	status  int
	// field, when set, must be named in the answer.
	field string
}

// alertWith returns a one-alert webhook notification whose alert has
// labels, startsAt and endsAt as given, and the group key.
func alertWith(labels map[string]string, startsAt, endsAt, groupKey string) string {
	b, _ := json.Marshal(map[string]any{
		"version": "4", "status": "firing", "receiver": "hindsight", "groupKey": groupKey,
		"alerts": []any{map[string]any{"status": "firing", "labels": labels, "startsAt": startsAt, "endsAt": endsAt}},
	})
	return string(b)
}

// hostileCases is the table: the webhook and every API write, each with
// input that no engine can store or no caller should be able to store.
func hostileCases() []hostileCase {
	crit := func(name string) map[string]string {
		return map[string]string{"alertname": name, "severity": "critical"}
	}
	const never, key = "0001-01-01T00:00:00Z", `{}:{alertname="X"}`
	long := strings.Repeat("A", 2000)
	wh := func(name, body, field string) hostileCase {
		return hostileCase{name: "webhook/" + name, method: "POST", path: "/api/v1/alerts/alertmanager", body: body, webhook: true, status: 400, field: field}
	}
	api := func(name, method, path, body string, status int, field string) hostileCase {
		return hostileCase{name: "api/" + name, method: method, path: path, body: body, status: status, field: field}
	}
	narrative := func(field, value string) string {
		b, _ := json.Marshal(map[string]any{"version": 1, "narrative": map[string]string{field: value}})
		return string(b)
	}
	return []hostileCase{
		wh("start at the end of 9999", alertWith(crit("Far"), "9999-12-31T23:59:00Z", never, key), "alerts[0].startsAt"),
		wh("start in year 1", alertWith(crit("Past"), "0001-01-01T00:00:01Z", never, key), "alerts[0].startsAt"),
		wh("end in 9999", alertWith(crit("End"), "2026-01-01T00:00:00Z", "9999-12-31T00:00:00Z", key), "alerts[0].endsAt"),
		wh("NUL in a label", alertWith(map[string]string{"alertname": "X", "job": "a\x00b"}, "2026-01-01T00:00:00Z", never, key), "alerts[0].labels.job"),
		wh("NUL in the alert name", alertWith(crit("X\x00Y"), "2026-01-01T00:00:00Z", never, key), "alerts[0].labels.alertname"),
		wh("2,000-character alert name", alertWith(crit(long), "2026-01-01T00:00:00Z", never, key), "alerts[0].labels.alertname"),
		wh("3,000-character group key", alertWith(crit("X"), "2026-01-01T00:00:00Z", never, strings.Repeat("k", 3000)), "groupKey"),
		wh("invalid UTF-8", strings.Replace(alertWith(crit("Bytes"), "2026-01-01T00:00:00Z", never, key), "Bytes", "B\xff\xfes", 1), "alerts[0].labels.alertname"),
		wh("malformed JSON", `{"version":"4","alerts":[`, ""),
		wh("empty", "", ""),
		wh("only alertname, no start", `{"version":"4","status":"firing","groupKey":"k","alerts":[{"status":"firing","labels":{"alertname":"X"}}]}`, "alerts[0].startsAt"),
		api("action due in 9999", "POST", "/api/v1/incidents/{id}/actions", `{"title":"Fix","owner":"@a","horizon":"immediate","due_date":"9999-12-31","verification":"v"}`, 400, "due_date"),
		api("action due in year 1", "POST", "/api/v1/incidents/{id}/actions", `{"title":"Fix","owner":"@a","horizon":"immediate","due_date":"0001-01-02","verification":"v"}`, 400, "due_date"),
		api("action title NUL", "POST", "/api/v1/incidents/{id}/actions", `{"title":"F\u0000ix","owner":"@a","horizon":"immediate","verification":"v"}`, 400, "title"),
		api("action owner too long", "POST", "/api/v1/incidents/{id}/actions", `{"title":"Fix","owner":"`+long+`","horizon":"immediate","verification":"v"}`, 400, "owner"),
		api("action not UTF-8", "POST", "/api/v1/incidents/{id}/actions", "{\"title\":\"F\xffix\",\"owner\":\"@a\",\"horizon\":\"immediate\",\"verification\":\"v\"}", 400, ""),
		api("action patch due in 9999", "PATCH", "/api/v1/actions/{action}", `{"version":1,"due_date":"9999-12-31"}`, 400, "due_date"),
		api("action patch NUL", "PATCH", "/api/v1/actions/{action}", `{"version":1,"verification":"a\u0000"}`, 400, "verification"),
		api("timeline in 9999", "POST", "/api/v1/incidents/{id}/timeline", `{"time":"9999-12-31T00:00:00Z","type":"note","event":"x","action":"y"}`, 400, "time"),
		api("timeline in year 1", "POST", "/api/v1/incidents/{id}/timeline", `{"time":"0001-01-01T00:00:01Z","type":"note","event":"x","action":"y"}`, 400, "time"),
		api("timeline NUL", "POST", "/api/v1/incidents/{id}/timeline", `{"time":"2025-09-30T01:00:00Z","type":"note","event":"x\u0000","action":"y"}`, 400, "event"),
		api("narrative nested 60,000 deep", "PUT", "/api/v1/incidents/{id}/narrative", narrative("root_cause", strings.Repeat(">", 60000)), 400, "narrative.root_cause"),
		api("narrative link flood", "PUT", "/api/v1/incidents/{id}/narrative", narrative("impact", strings.Repeat("[x](", 16000)), 400, "narrative.impact"),
		api("narrative NUL", "PUT", "/api/v1/incidents/{id}/narrative", narrative("resolution", "a\x00b"), 400, "narrative.resolution"),
		api("narrative too large", "PUT", "/api/v1/incidents/{id}/narrative", narrative("resolution", strings.Repeat("a", 70<<10)), 400, "narrative.resolution"),
		api("document nested deep", "PUT", "/api/v1/incidents/{id}/postmortem.md", "# Post-mortem: X\n\n"+strings.Repeat(">", 100000)+"\n", 400, "document"),
		api("status unknown", "POST", "/api/v1/incidents/{id}/status", `{"to":"EXPLODED","reason":"x"}`, 400, ""),
		api("transition unknown", "POST", "/api/v1/incidents/{id}/transitions", `{"to":"GONE"}`, 400, ""),
		api("sign-off unknown role", "POST", "/api/v1/incidents/{id}/signoffs", `{"role":"emperor"}`, 400, ""),
		api("dismiss unknown key", "POST", "/api/v1/incidents/{id}/placeholders/dismiss", `{"key":"nothing/at/all","version":1}`, 400, ""),
		api("unknown field", "POST", "/api/v1/incidents/{id}/timeline", `{"time":"2025-09-30T01:00:00Z","type":"note","event":"x","evil":1}`, 400, ""),
	}
}

// hostileServer is a server with the intake, the review API and the
// Markdown import over store, an incident with its draft and one action.
func hostileServer(t *testing.T, store *sqlstore.Store) (ts *testServer, editor, incident string, action int64) {
	t.Helper()
	ts = MustOpenServerOn(t, store, func(s *hhttp.Server) {
		svc := review.NewService(store, hindsight.DefaultSignOffPolicy())
		svc.Lint = lint.Narrative(nil)
		s.Review, s.Review = svc, svc
		s.Documents = &importer.Service{Store: store, Render: func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }}
	})
	editor = mustCreateToken(t, store, "editor", hindsight.RoleEditor)
	incident = mustCreateDraft(t, store, "HighAPIErrorRate", "API error rate above 5%")
	a := &hindsight.ActionItem{Title: "Add an alert", Owner: "@sre", Verification: "fires in staging"}
	ctx := hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: "setup", Role: hindsight.RoleAdmin})
	if err := ts.Review.(*review.Service).CreateAction(ctx, incident, a); err != nil {
		t.Fatal(err)
	}
	return ts, editor, incident, a.ID
}

// snapshot is everything the store holds, as its backup.
func snapshot(t *testing.T, store *sqlstore.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := store.Export(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHostileInput sends every case of the table to a server on each
// engine: each gets its status (4xx naming the field where there is
// one, never 5xx), the server still answers, and the store is unchanged.
func TestHostileInput(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		ts, editor, incident, action := hostileServer(t, store)
		// Each credential's first use is recorded once: use them before the
		// snapshot.
		ts.do(t, "GET", "/api/v1/incidents", editor, false, "")
		before := snapshot(t, store)
		repl := strings.NewReplacer("{id}", incident, "{action}", fmt.Sprint(action))
		for _, c := range hostileCases() {
			code, body := ts.do(t, c.method, repl.Replace(c.path), editor, c.webhook, c.body)
			if code != c.status || (c.field != "" && !strings.Contains(body, `"field": "`+c.field+`"`)) {
				t.Errorf("%s: %d %s; want %d naming %q", c.name, code, truncated(body), c.status, c.field)
			}
			if hcode, _ := ts.do(t, "GET", "/healthz", "", false, ""); hcode != http.StatusOK {
				t.Fatalf("%s: the server no longer answers (%d)", c.name, hcode)
			}
		}
		if after := snapshot(t, store); !bytes.Equal(before, after) {
			t.Errorf("the store changed under refused requests:\nbefore %s\nafter  %s", truncated(string(before)), truncated(string(after)))
		}
	})
}

// do sends a request with an editor's token, or the webhook's credentials.
func (ts *testServer) do(t *testing.T, method, path, editor string, webhook bool, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case webhook:
		req.Header.Set("Authorization", "Bearer "+token)
	case editor != "":
		req.Header.Set("Authorization", "Bearer "+editor)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, b := mustDo(t, http.DefaultClient, req)
	return resp.StatusCode, string(b)
}

// truncated shortens s for a failure message.
func truncated(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
