// Package e2e_test runs the hindsight binary as users run it, against the
// real Prometheus and Alertmanager that internal/testenv starts.
package e2e_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// binary is the hindsight executable built by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hindsight-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "hindsight")
	build := exec.Command("go", "build", "-o", binary, "github.com/hindsight-sre/hindsight/cmd/hindsight")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build ./cmd/hindsight:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running "hindsight serve" process.
type server struct {
	URL string
	cmd *exec.Cmd
	log *testenv.LogBuffer
	// viewer is a viewer's API token: reading the API needs one.
	viewer string
}

// listening reads the server's address from its start-up line: the
// structured "hindsight started … addr=URL" log, or the older
// "hindsight: listening on URL".
var listening = regexp.MustCompile(`(?:hindsight: listening on |msg="hindsight started" .*\baddr=)(http://[^\s"]+)`)

// startServer runs "hindsight serve" on 127.0.0.1:0 with a SQLite store in
// a temporary directory and the webhook token in the environment, and stops
// it with SIGTERM when the test ends, expecting a clean exit.
func startServer(t *testing.T, token string) *server {
	t.Helper()
	return startServerOn(t, token, filepath.Join(t.TempDir(), "hindsight.db"))
}

// startServerOn is startServer with the store db: a SQLite path or a
// PostgreSQL DSN.
func startServerOn(t *testing.T, token, db string) *server {
	t.Helper()
	viewer := createToken(t, db, "viewer", "e2e-reader")
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), "HINDSIGHT_WEBHOOK_TOKEN="+token, "HINDSIGHT_CONFIG=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, log: &testenv.LogBuffer{}, viewer: viewer}
	cmd.Stdout = s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(s.log, sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	t.Cleanup(func() { s.stop(t) })
	select {
	case url, ok := <-found:
		if !ok {
			t.Fatalf("hindsight serve exited before listening:\n%s", s.log)
		}
		s.URL = url
	case <-time.After(60 * time.Second):
		t.Fatalf("hindsight serve not listening within 60s:\n%s", s.log)
	}
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("hindsight serve exited with %v:\n%s", err, s.log)
		}
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Errorf("hindsight serve did not stop within 60s of SIGTERM:\n%s", s.log)
	}
	if t.Failed() {
		t.Logf("hindsight serve output:\n%s", s.log)
	}
}

// incident is a row of GET /api/v1/incidents.
type incident struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Severity   string   `json:"severity"`
	Status     string   `json:"status"`
	Services   []string `json:"services"`
	StartedAt  string   `json:"started_at"`
	ResolvedAt *string  `json:"resolved_at"`
}

// incidents lists the server's incidents.
func (s *server) incidents(t *testing.T) []incident {
	t.Helper()
	var out struct {
		Incidents []incident `json:"items"`
	}
	getJSON(t, s.URL+"/api/v1/incidents", s.viewer, &out)
	return out.Incidents
}

// createToken creates an API token in the store db with the CLI and returns
// its secret, printed on the last line.
func createToken(t *testing.T, db, role, name string) string {
	t.Helper()
	out, err := exec.Command(binary, "token", "create", "--role", role, "--name", name, "--db", db).Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// get sends a GET with bearer token, if not empty.
func get(url, token string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return http.DefaultClient.Do(req)
}

// getJSON reads url into v, with a bearer token if not empty.
func getJSON(t *testing.T, url, token string, v any) {
	t.Helper()
	resp, err := get(url, token)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s %v", url, resp.StatusCode, b, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, b)
	}
}

// poll calls ok until it returns true. The deadline is generous: it bounds a
// hang on a loaded machine and says nothing about speed.
func poll(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 3 minutes", what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestAlertmanagerIntake: an error ratio over the rule's threshold opens an
// incident through the real Prometheus and Alertmanager; recovery resolves it.
func TestAlertmanagerIntake(t *testing.T) {
	t.Parallel()
	const token = "e2e-webhook-token"
	hs := startServer(t, token)
	exporter := testenv.StartExporter(t, "api")
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 200})
	am := testenv.StartAlertmanager(t, testenv.AlertmanagerOptions{
		WebhookURL:    hs.URL + "/api/v1/alerts/alertmanager",
		BearerToken:   token,
		GroupBy:       []string{"alertname", "service"},
		GroupWait:     time.Second,
		GroupInterval: time.Second,
	})
	testenv.StartPrometheus(t, testenv.PrometheusOptions{
		Rules:           testenv.HighAPIErrorRateRule,
		ScrapeTargets:   []string{exporter.Target},
		AlertmanagerURL: am.URL,
	})

	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 200, ErrorRatio: 0.5})
	var inc incident
	poll(t, "the incident appears", func() bool {
		incs := hs.incidents(t)
		if len(incs) > 0 {
			inc = incs[0]
		}
		return len(incs) > 0
	})
	if inc.Title != "HighAPIErrorRate" || inc.Severity != "SEV2" || strings.Join(inc.Services, ",") != "api" {
		t.Errorf("incident %+v, want HighAPIErrorRate SEV2 [api]", inc)
	}
	checkStart(t, am.URL, inc)

	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 200})
	poll(t, "the incident resolves", func() bool {
		incs := hs.incidents(t)
		if len(incs) == 1 {
			inc = incs[0]
		}
		return len(incs) == 1 && inc.Status == "RESOLVED"
	})
	if inc.ResolvedAt == nil || *inc.ResolvedAt < inc.StartedAt {
		t.Errorf("resolved incident %+v, want a resolution time after its start", inc)
	}
	if n := len(hs.incidents(t)); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
	resp, err := get(hs.URL+"/api/v1/incidents/"+inc.ID+"/postmortem.md", hs.viewer)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("postmortem.md: status %d, want 200 (a SEV2 gets a draft)", resp.StatusCode)
	}
}

// checkStart compares the incident's start with the startsAt Alertmanager
// holds for the alert. The list shows seconds, so they agree to the second.
func checkStart(t *testing.T, amURL string, inc incident) {
	t.Helper()
	var alerts []struct {
		Labels   map[string]string `json:"labels"`
		StartsAt time.Time         `json:"startsAt"`
	}
	getJSON(t, amURL+"/api/v2/alerts", "", &alerts)
	var start time.Time
	for _, a := range alerts {
		if a.Labels["alertname"] == "HighAPIErrorRate" && (start.IsZero() || a.StartsAt.Before(start)) {
			start = a.StartsAt
		}
	}
	if start.IsZero() {
		t.Fatalf("Alertmanager holds no HighAPIErrorRate alert: %+v", alerts)
	}
	got, err := time.Parse(time.RFC3339, inc.StartedAt)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Sub(start.Truncate(time.Second)); d != 0 {
		t.Errorf("incident started %s, Alertmanager's alert at %s", got, start)
	}
}
