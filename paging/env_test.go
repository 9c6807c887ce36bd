package paging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/paging"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// Credentials of the test server.
const (
	webhookToken    = "am-webhook-token"
	pagerDutySecret = "pd-signing-secret"
	opsgenieToken   = "og-bearer-token"
	onCallToken     = "oncall-authorization"
)

// env is a running server on a real store: the Alertmanager webhook, the
// on-call tools' webhooks, and the paging service behind them.
type env struct {
	store  *sqlstore.Store
	srv    *hhttp.Server
	svc    *paging.Service
	review *review.Service
	logs   *testenv.LogBuffer
}

// newEnv opens the store at dsn and serves it on 127.0.0.1; now nil means
// the system clock.
func newEnv(t *testing.T, dsn string, now func() time.Time) *env {
	t.Helper()
	store := teststore.Open(t, dsn)
	if now != nil {
		store.Now = now
	}
	logs := &testenv.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	rev := review.NewService(store, hindsight.SignOffPolicy{})
	rev.Now = now
	svc := &paging.Service{Incidents: store, Recorder: rev, Now: now, Log: log}
	s := hhttp.NewServer()
	s.Addr, s.Log, s.Now = "127.0.0.1:0", log, time.Now
	if now != nil {
		s.Now = now
	}
	s.Store, s.Incidents, s.Tokens = store, store, store
	s.Intake = &alertmanager.Intake{Store: store, Mapping: alertmanager.DefaultMapping(), Now: now}
	s.WebhookAuth = hhttp.WebhookAuth{Token: webhookToken}
	s.Paging = hhttp.PagingWebhooks{Service: svc, PagerDutySecret: pagerDutySecret, OpsgenieToken: opsgenieToken,
		GrafanaOnCallToken: onCallToken}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &env{store: store, srv: s, svc: svc, review: rev, logs: logs}
}

// webhookURL is the Alertmanager webhook of the server.
func (e *env) webhookURL() string { return e.srv.URL() + "/api/v1/alerts/alertmanager" }

// ingest posts an Alertmanager notification and returns the incident.
func (e *env) ingest(t *testing.T, body []byte) string {
	t.Helper()
	status, res := e.post(t, "/api/v1/alerts/alertmanager", body, map[string]string{"Authorization": "Bearer " + webhookToken})
	if status != http.StatusOK {
		t.Fatalf("ingest: %d %v", status, res)
	}
	return res["incident_id"].(string)
}

// post sends body with headers and returns the status and decoded answer.
func (e *env) post(t *testing.T, path string, body []byte, headers map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: %d, not JSON: %s", path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// acknowledged returns the incident's acknowledged timeline events.
func (e *env) acknowledged(t *testing.T, incidentID string) []hindsight.TimelineEvent {
	t.Helper()
	pm, err := e.store.FindPostmortem(context.Background(), incidentID)
	if err != nil {
		t.Fatal(err)
	}
	var out []hindsight.TimelineEvent
	for _, ev := range pm.Timeline {
		if ev.Type == hindsight.EventAcknowledged {
			out = append(out, ev)
		}
	}
	return out
}

// testdata returns a file of the repository's testdata directory.
func testdata(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replace returns b with old replaced by new, failing when old is absent
// (the published payload changed shape).
func replace(t *testing.T, b []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("payload has no %q", old)
	}
	return []byte(strings.ReplaceAll(string(b), old, new))
}
