package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/github"
	"github.com/hindsight-sre/hindsight/internal/fakegithub"
	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// onlyAlertname is an Alertmanager notification whose alert has nothing
// but its name: no service, so the tracker's default route takes it.
const onlyAlertname = `{"version":"4","groupKey":"{}:{alertname=\"DiskFull\"}","truncatedAlerts":0,"status":"firing",
"receiver":"hindsight","groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull"},
"commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[{"status":"firing",
"labels":{"alertname":"DiskFull"},"annotations":{},"startsAt":"2026-03-02T09:00:00Z","endsAt":"0001-01-01T00:00:00Z",
"generatorURL":"http://prometheus:9090/graph","fingerprint":"0123456789abcdef"}]}`

// TestBrowser_TrackerState runs hindsight serve with a GitHub route: an
// action added through the API becomes an issue, the issue closed comes
// back through the signed webhook as done, an action added while GitHub is
// down shows pending with the error, and the action list shows both.
func TestBrowser_TrackerState(t *testing.T) {
	t.Parallel()
	testenv.ChromiumPath(t)
	const wh, hookSecret = "e2e-webhook-secret", "e2e-tracker-secret"
	gh := fakegithub.New(t, "Codertocat/Hello-World", "ghs_e2e")
	s := startUIServerWithConfig(t, wh, fmt.Sprintf(`server:
  base_url: http://127.0.0.1
trackers:
  sync_interval: 1s
  routes:
    - name: platform
      kind: github
      url: %s
      repository: Codertocat/Hello-World
      token: ghs_e2e
      webhook_secret: %s
      labels: [post-mortem]
      default: true
`, gh.APIURL(), hookSecret))
	editor := s.token(t, "editor", "ana")
	id := s.postAlert(t, wh, filepath.Join("..", "testdata", "alertmanager", "1-group-firing-3-alerts.json"))
	bare := filepath.Join(t.TempDir(), "only-alertname.json")
	if err := os.WriteFile(bare, []byte(onlyAlertname), 0o600); err != nil {
		t.Fatal(err)
	}
	bareID := s.postAlert(t, wh, bare)

	addAction(t, s.URL, editor, id, "Page on the 5xx ratio per route")
	waitTracker(t, s.URL, editor, "Page on the 5xx ratio per route", "synced")
	if is := gh.Issue(1); is.Title != "Page on the 5xx ratio per route" || !strings.Contains(is.Body, "http://127.0.0.1/incidents/"+id) {
		t.Fatalf("issue #1: %+v", is)
	}
	body, err := os.ReadFile(filepath.Join("..", "tracker", "testdata", "github-issues-closed-completed.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []string{github.Sign("wrong", body), github.Sign(hookSecret, body)} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/trackers/platform/webhook", strings.NewReader(string(body)))
		req.Header.Set("X-GitHub-Event", "issues")
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: 204, false: 401}[sig == github.Sign(hookSecret, body)]; resp.StatusCode != want {
			t.Fatalf("webhook: %d, want %d", resp.StatusCode, want)
		}
	}

	gh.Set(func(f *fakegithub.Server) { f.Down = true })
	addAction(t, s.URL, editor, bareID, "Alert before the disk fills")
	waitTracker(t, s.URL, editor, "Alert before the disk fills", "pending")

	p := newPage(t, s.URL)
	p.signIn(editor)
	p.open("/actions")
	p.shot("30-actions-tracker-state")
	table := p.text("#all-actions")
	for _, want := range []string{"synced", "Codertocat/Hello-World#1", "Done", "pending", "503 Service Unavailable"} {
		if !strings.Contains(table, want) {
			t.Errorf("the action list lacks %q:\n%s", want, table)
		}
	}
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// addAction adds an action item through the API.
func addAction(t *testing.T, base, token, incident, title string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"title": title, "owner": "@ana", "verification": "checked in staging"})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/incidents/"+incident+"/actions", strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("add action: %d", resp.StatusCode)
	}
}

// waitTracker waits, at most 30 seconds, until the action titled title
// shows the tracker state want in GET /api/v1/actions.
func waitTracker(t *testing.T, base, token, title, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var list struct {
			Items []struct {
				Title   string `json:"title"`
				Tracker *struct {
					State    string `json:"state"`
					Attempts int    `json:"attempts"`
				} `json:"tracker"`
			} `json:"items"`
		}
		getJSON(t, base+"/api/v1/actions?limit=100", token, &list)
		for _, a := range list.Items {
			if a.Title == title && a.Tracker != nil && a.Tracker.State == want && (want != "pending" || a.Tracker.Attempts > 0) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("action %q never showed tracker state %s: %+v", title, want, list.Items)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
