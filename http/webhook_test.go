package http_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

const token = "s3cret-webhook-token"

// testServer is a server on a real SQLite store, reached over HTTP.
type testServer struct {
	*hhttp.Server
	store *sqlstore.Store
	url   string
	// viewer is a viewer's API token, which reads send.
	viewer string
}

// MustOpenServer starts a server whose intake and API use a SQLite store in
// a temporary directory; configure, if not nil, adjusts it first.
func MustOpenServer(tb testing.TB, configure func(s *hhttp.Server)) *testServer {
	tb.Helper()
	return MustOpenServerOn(tb, teststore.SQLite(tb), configure)
}

// MustOpenServerOn is MustOpenServer on the given store.
func MustOpenServerOn(tb testing.TB, store *sqlstore.Store, configure func(s *hhttp.Server)) *testServer {
	tb.Helper()
	s := hhttp.NewServer()
	s.Store, s.Incidents, s.Tokens = store, store, store
	s.Intake = &alertmanager.Intake{
		Store:   store,
		Mapping: alertmanager.DefaultMapping(),
		Draft: func(inc hindsight.Incident) *hindsight.Document {
			if !inc.Severity.AtLeast(hindsight.SEV2) {
				return nil
			}
			pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Now: inc.CreatedAt})
			return &pm.Document
		},
	}
	s.WebhookAuth = hhttp.WebhookAuth{Token: token, Username: "am", Password: "basic-pass"}
	s.Render = func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
	s.SLOFor = func(*hindsight.Incident) hindsight.SLOTargets { return hindsight.DefaultSLOTargets() }
	if configure != nil {
		configure(s)
	}
	hs := httptest.NewServer(s.Handler())
	tb.Cleanup(hs.Close)
	return &testServer{Server: s, store: store, url: hs.URL, viewer: mustCreateToken(tb, store, "reader", hindsight.RoleViewer)}
}

// fixture returns a captured Alertmanager payload.
func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "alertmanager", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// post sends body to the webhook; auth sets the credentials.
func (ts *testServer) post(tb testing.TB, body []byte, auth func(r *http.Request)) (int, map[string]any) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.url+"/api/v1/alerts/alertmanager", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("answer %d is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func bearer(tok string) func(r *http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func basic(user, pass string) func(r *http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

// intakeFunc is an AlertIntake stub for faults a real store cannot be made
// to produce on demand.
type intakeFunc func() (alertmanager.Result, error)

func (f intakeFunc) Ingest(context.Context, []byte, *alertmanager.Message) (alertmanager.Result, error) {
	return f()
}

func failingIntake(err error) func(s *hhttp.Server) {
	return func(s *hhttp.Server) {
		s.Intake = intakeFunc(func() (alertmanager.Result, error) { return alertmanager.Result{}, err })
	}
}

func TestWebhook_Answers(t *testing.T) {
	t.Parallel()
	payload := fixture(t, "1-group-firing-3-alerts.json")
	noAlerts := []byte(`{"version":"4","status":"firing","groupKey":"g","alerts":[]}`)
	badVersion := bytes.Replace(payload, []byte(`"version": "4"`), []byte(`"version": "3"`), 1)
	if bytes.Equal(badVersion, payload) {
		t.Fatal("fixture has no version field to replace")
	}
	tests := []struct {
		name      string
		configure func(s *hhttp.Server)
		body      []byte
		auth      func(r *http.Request)
		status    int
		code      string
		message   string // a part of the JSON error message
	}{
		{"OKBearer", nil, payload, bearer(token), 200, "", ""},
		{"OKBasicAuth", nil, payload, basic("am", "basic-pass"), 200, "", ""},
		{"MalformedJSON", nil, []byte(`{"version": "4", "alerts": [`), bearer(token), 400, hindsight.EINVALID, "malformed JSON"},
		{"EmptyBody", nil, nil, bearer(token), 400, hindsight.EINVALID, "empty body"},
		{"NoAlerts", nil, noAlerts, bearer(token), 400, hindsight.EINVALID, "no alerts"},
		{"BadVersion", nil, badVersion, bearer(token), 400, hindsight.EINVALID, "unsupported payload version"},
		{"NoCredentials", nil, payload, nil, 401, hindsight.EUNAUTHORIZED, "credentials"},
		{"WrongBearer", nil, payload, bearer("guess"), 401, hindsight.EUNAUTHORIZED, "credentials"},
		{"WrongBasicPassword", nil, payload, basic("am", "guess"), 401, hindsight.EUNAUTHORIZED, "credentials"},
		{"WrongBasicUser", nil, payload, basic("root", "basic-pass"), 401, hindsight.EUNAUTHORIZED, "credentials"},
		{"NothingConfigured", func(s *hhttp.Server) { s.WebhookAuth = hhttp.WebhookAuth{} }, payload, bearer(""), 401, hindsight.EUNAUTHORIZED, "not configured"},
		{"TooLarge", func(s *hhttp.Server) { s.WebhookBodyLimit = 512 }, payload, bearer(token), 413, hhttp.ETOOLARGE, "512-byte limit"},
		{"StoreUnavailable", failingIntake(hindsight.Errorf(hindsight.EUNAVAILABLE, "database is locked")), payload, bearer(token), 503, hindsight.EUNAVAILABLE, "locked"},
		{"Internal", failingIntake(errors.New("disk exploded")), payload, bearer(token), 500, hindsight.EINTERNAL, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := MustOpenServer(t, tt.configure)
			status, body := ts.post(t, tt.body, tt.auth)
			if status != tt.status {
				t.Fatalf("status %d, want %d; body %v", status, tt.status, body)
			}
			if tt.status == 200 {
				ts.checkDurable(t, body)
				return
			}
			if body["code"] != tt.code || !strings.Contains(body["error"].(string), tt.message) {
				t.Errorf("body %v, want code %q and an error containing %q", body, tt.code, tt.message)
			}
			if incs, _, _ := ts.store.FindIncidents(context.Background(), hindsight.IncidentFilter{}); len(incs) != 0 {
				t.Errorf("a refused notification stored %d incidents", len(incs))
			}
		})
	}
}

// checkDurable reads back, after the answer, what the answer promised.
func (ts *testServer) checkDurable(t *testing.T, body map[string]any) {
	t.Helper()
	id, _ := body["incident_id"].(string)
	inc, err := ts.store.FindIncidentByID(context.Background(), id)
	if err != nil {
		t.Fatalf("answer %v, but the incident cannot be read back: %v", body, err)
	}
	events, err := ts.store.FindTimeline(context.Background(), inc.ID)
	if err != nil || len(events) != 3 {
		t.Errorf("%d events (%v), want 3", len(events), err)
	}
}

func TestWebhook_InvalidListsFields(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	status, body := ts.post(t, []byte(`{"version":"9","status":"maybe","alerts":[{"status":"x","labels":{}}]}`), bearer(token))
	if status != 400 {
		t.Fatalf("status %d, want 400", status)
	}
	var fields []string
	for _, f := range body["fields"].([]any) {
		fields = append(fields, f.(map[string]any)["field"].(string))
	}
	want := []string{"alerts[0].labels.alertname", "alerts[0].startsAt", "alerts[0].status", "status", "version"}
	if strings.Join(fields, ",") != strings.Join(want, ",") {
		t.Errorf("fields %v, want %v", fields, want)
	}
}

// TestWebhook_RawBody: the body is stored byte for byte beside the decoded
// notification.
func TestWebhook_RawBody(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	raw := fixture(t, "0-single-alert-firing.json")
	if status, body := ts.post(t, raw, bearer(token)); status != 200 {
		t.Fatalf("status %d: %v", status, body)
	}
	var buf bytes.Buffer
	if err := ts.store.Export(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	var dump struct {
		AlertNotifications []hindsight.AlertNotification `json:"alert_notifications"`
	}
	if err := json.Unmarshal(buf.Bytes(), &dump); err != nil {
		t.Fatal(err)
	}
	if len(dump.AlertNotifications) != 1 || !bytes.Equal(dump.AlertNotifications[0].Body, raw) {
		t.Errorf("stored notifications %d, want 1 with the raw body", len(dump.AlertNotifications))
	}
}

func TestWebhook_Metrics(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	for _, name := range []string{"1-group-firing-3-alerts.json", "2-group-repeat-notification.json",
		"3-group-one-alert-resolved.json", "4-group-all-resolved.json", "0-single-alert-firing.json"} {
		if status, body := ts.post(t, fixture(t, name), bearer(token)); status != 200 {
			t.Fatalf("%s: status %d: %v", name, status, body)
		}
	}
	ts.post(t, fixture(t, "0-single-alert-firing.json"), nil)
	ts.post(t, fixture(t, "0-single-alert-firing.json"), bearer("wrong"))
	ts.post(t, []byte("{"), bearer(token))
	ts.post(t, []byte(`{"version":"4","status":"firing","alerts":[]}`), bearer(token))

	got := scrape(t, ts.url)
	want := map[string]float64{
		`hindsight_webhook_notifications_total{status="firing"}`:      4,
		`hindsight_webhook_notifications_total{status="resolved"}`:    1,
		`hindsight_webhook_alerts_total`:                              9, // the repeat is a duplicate
		`hindsight_webhook_duplicate_notifications_total`:             1,
		`hindsight_incidents_opened_total`:                            2,
		`hindsight_incidents_resolved_total`:                          1,
		`hindsight_webhook_rejections_total{reason="unauthorized"}`:   2,
		`hindsight_webhook_rejections_total{reason="malformed"}`:      1,
		`hindsight_webhook_rejections_total{reason="invalid"}`:        1,
		`hindsight_webhook_rejections_total{reason="too_large"}`:      0,
		`hindsight_webhook_rejections_total{reason="unavailable"}`:    0,
		`hindsight_webhook_ingest_duration_seconds_count`:             9,
		`hindsight_webhook_ingest_duration_seconds_bucket{le="+Inf"}`: 9,
		`hindsight_webhook_rejections_total{reason="internal"}`:       0,
		`hindsight_webhook_notifications_total{status="nonexistent"}`: -1, // absent
	}
	for series, v := range want {
		g, ok := got[series]
		switch {
		case v < 0 && ok:
			t.Errorf("%s = %v, want absent", series, g)
		case v >= 0 && !ok:
			t.Errorf("%s missing from /metrics", series)
		case v >= 0 && g != v:
			t.Errorf("%s = %v, want %v", series, g, v)
		}
	}
}

// scrape reads /metrics into series → value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestWebhook_ConcurrentDuplicates posts the same notification many times at
// once: exactly one incident and one set of events.
func TestWebhook_ConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	body := fixture(t, "1-group-firing-3-alerts.json")
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, ts.url+"/api/v1/alerts/alertmanager", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = errors.New(resp.Status)
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	incs, _, err := ts.store.FindIncidents(context.Background(), hindsight.IncidentFilter{})
	if err != nil || len(incs) != 1 {
		t.Fatalf("%d incidents (%v), want 1", len(incs), err)
	}
	if events, _ := ts.store.FindTimeline(context.Background(), incs[0].ID); len(events) != 3 {
		t.Errorf("%d events, want 3", len(events))
	}
}
