package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/slack"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

const (
	signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	incidentID    = "INCIDENT-20250930-0024-highapierrorrate"
	started       = "2025-09-30T00:24:00Z"
)

// seedIncident stores an open incident.
func seedIncident(t *testing.T, s *sqlstore.Store, id, title string, sev hindsight.Severity) *hindsight.Incident {
	t.Helper()
	at, _ := time.Parse(time.RFC3339, started)
	inc := &hindsight.Incident{ID: id, Title: title, AlertName: title, Severity: sev, Status: hindsight.IncidentInvestigating,
		StartedAt: at, Services: []string{"api"}, Summary: "Error rate <b>above</b> 5% & rising",
		Links: []hindsight.Link{{Kind: hindsight.LinkRunbook, URL: "https://runbooks.example/api"}}}
	if err := s.CreateIncident(context.Background(), inc); err != nil {
		t.Fatal(err)
	}
	return inc
}

// waits records the Retry-After waits of an app.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return nil
}

// newApp returns an app over store that talks to fake.
func newApp(t *testing.T, s *sqlstore.Store, fake *fakeSlack) (*slack.App, *waits) {
	t.Helper()
	w := &waits{}
	policy := hindsight.SignOffPolicy{Signers: map[hindsight.SignOffRole][]string{
		hindsight.RoleTechnicalReview: {"alice"}, hindsight.RoleFinalApproval: {"@dora"}}}
	app := &slack.App{
		SigningSecret: signingSecret, Store: s, Workflow: review.NewService(s, policy),
		MinSeverity: hindsight.SEV2, Responders: []string{"U0ALICE", "U0BOB"}, Reactions: []string{"pushpin", "stopwatch"},
		Users: map[string]slack.Person{
			"U0ALICE": {Handle: "alice", Role: hindsight.RoleEditor},
			"U0VIEW":  {Handle: "vic", Role: hindsight.RoleViewer},
		},
		Policy: policy, BaseURL: "https://hindsight.example", Sleep: w.sleep,
	}
	if fake != nil {
		app.Client = slack.NewClient(botToken, fake.GetAPIURL(), nil)
	}
	return app, w
}

// serveApp serves the app's two endpoints on a real loopback server.
func serveApp(t *testing.T, app *slack.App) string {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/slack/events", app.ServeEvents)
	mux.HandleFunc("POST /api/v1/slack/commands", app.ServeCommand)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// send posts a body signed as Slack signs it (at stamp; zero means now),
// with extra headers, and returns the status and the decoded answer.
func send(t *testing.T, base, path, contentType string, body []byte, stamp time.Time, secret string, extra ...string) (int, map[string]any) {
	t.Helper()
	if stamp.IsZero() {
		stamp = time.Now()
	}
	ts := strconv.FormatInt(stamp.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Sign(secret, ts, body))
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s answered %d with non-JSON %q", path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// sendEvent posts one Events API callback wrapping event.
func sendEvent(t *testing.T, base, eventID string, event map[string]any, extra ...string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"token": "legacy-verification-token", "team_id": "T0TEAM", "api_app_id": "A0APP",
		"type": "event_callback", "event_id": eventID, "event_time": 1759000000, "event": event})
	return send(t, base, "/api/v1/slack/events", "application/json", body, time.Time{}, signingSecret, extra...)
}

// sendCommand posts one slash command as Slack's form.
func sendCommand(t *testing.T, base, user, channel, text string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"token": {"legacy"}, "team_id": {"T0TEAM"}, "channel_id": {channel}, "channel_name": {"incident"},
		"user_id": {user}, "user_name": {"someone"}, "command": {"/incident"}, "text": {text},
		"response_url": {"https://hooks.slack.com/commands/T0TEAM/1/abc"}, "trigger_id": {"1.2.3"}}
	return send(t, base, "/api/v1/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Time{}, signingSecret)
}

// pinAdded is a pin_added event as Slack sends it: the message inside.
func pinAdded(channel, user, text, ts string) map[string]any {
	return map[string]any{"type": "pin_added", "user": "U0BOB", "channel_id": channel, "event_ts": "1759000001.000100",
		"item": map[string]any{"type": "message", "channel": channel, "created": 1759000001, "created_by": "U0BOB",
			"message": map[string]any{"type": "message", "user": user, "text": text, "ts": ts,
				"permalink": "https://example.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")}}}
}

// pinRemoved is the matching pin_removed event.
func pinRemoved(channel, ts string) map[string]any {
	return map[string]any{"type": "pin_removed", "user": "U0BOB", "channel_id": channel, "event_ts": "1759000002.000100",
		"item":     map[string]any{"type": "message", "channel": channel, "message": map[string]any{"type": "message", "ts": ts}},
		"has_pins": false}
}

// reaction is a reaction_added or reaction_removed event.
func reaction(kind, user, name, channel, ts string) map[string]any {
	return map[string]any{"type": kind, "user": user, "reaction": name, "item_user": "U0CAROL", "event_ts": "1759000003.000100",
		"item": map[string]any{"type": "message", "channel": channel, "ts": ts}}
}

// timeline returns an incident's events captured from Slack.
func timeline(t *testing.T, s *sqlstore.Store) []*hindsight.TimelineEvent {
	t.Helper()
	all, err := s.FindTimeline(context.Background(), incidentID)
	if err != nil {
		t.Fatal(err)
	}
	var out []*hindsight.TimelineEvent
	for _, e := range all {
		if e.Source == slack.SourceSlack {
			out = append(out, e)
		}
	}
	return out
}

// channelOf returns the incident's stored channel.
func channelOf(t *testing.T, s *sqlstore.Store) *hindsight.SlackChannel {
	t.Helper()
	c, err := s.FindSlackChannel(context.Background(), incidentID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mustRun runs a pass step and fails the test on its error.
func mustRun(t *testing.T, step func(context.Context) (int, error)) int {
	t.Helper()
	n, err := step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
