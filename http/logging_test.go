package http_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/testenv"
)

var updateLogs = flag.Bool("update", false, "rewrite the golden log files under testdata/")

// logBuffer collects a server's JSON log lines.
type logBuffer struct{ testenv.LogBuffer }

// logger returns a JSON logger at level writing to l.
func (l *logBuffer) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: level}))
}

// volatileLogFields change from run to run and are left out of goldens;
// the test checks that they are present and well-formed instead.
var volatileLogFields = []string{"time", "latency_ms", "remote", "bytes"}

// normalizedLines decodes each JSON line, checks its volatile fields and
// returns it without them, keys sorted, one per line.
func normalizedLines(t *testing.T, logs string) string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == "webhook" || m["msg"] == "request" {
			if ms, ok := m["latency_ms"].(float64); !ok || ms < 0 {
				t.Errorf("latency_ms missing or negative in %q", line)
			}
			if r, _ := m["remote"].(string); !strings.HasPrefix(r, "127.0.0.1:") {
				t.Errorf("remote missing in %q", line)
			}
		}
		for _, k := range volatileLogFields {
			delete(m, k)
		}
		b, _ := json.Marshal(m) // map keys are sorted
		out = append(out, string(b))
	}
	return strings.Join(out, "\n") + "\n"
}

// checkGolden compares got with the file, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateLogs {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./http -run %s -update)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("log lines differ from %s (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// checkNoSecrets fails when any secret appears in the logs, in clear or
// in the encodings a header or a URL would give it.
func checkNoSecrets(t *testing.T, logs string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), url.QueryEscape(s)} {
			if strings.Contains(logs, form) {
				t.Errorf("the logs contain the secret %q (as %q):\n%s", s, form, logs)
			}
		}
	}
}

// TestLog_Webhook posts accepted, repeated, refused and odd notifications
// and compares the one log line of each with testdata/log-webhook.golden:
// group key, alerts, outcome, reason of a refusal. No credential, right
// or wrong, ever appears.
func TestLog_Webhook(t *testing.T) {
	var logs logBuffer
	ts := MustOpenServer(t, func(s *hhttp.Server) {
		s.Log = logs.logger(slog.LevelInfo)
		s.WebhookBodyLimit = 64 << 10
	})
	const guess = "guessed-token-0123456789"
	basic := func(user, pass string) func(r *http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(user, pass) }
	}
	onlyName := []byte(`{"version":"4","groupKey":"{}:{alertname=\"Ünïcödé ☃\"}","status":"firing","receiver":"hindsight",
		"alerts":[{"status":"firing","labels":{"alertname":"Ünïcödé ☃"},"startsAt":"2025-10-01T08:00:00Z"}]}`)
	steps := []struct {
		name string
		body []byte
		auth func(r *http.Request)
		want int
	}{
		{"firing", fixture(t, "1-group-firing-3-alerts.json"), bearer(token), 200},
		{"retry", fixture(t, "1-group-firing-3-alerts.json"), bearer(token), 200},
		{"resolved", fixture(t, "4-group-all-resolved.json"), basic("am", "basic-pass"), 200},
		{"only alertname", onlyName, bearer(token), 200},
		{"wrong token", fixture(t, "0-single-alert-firing.json"), bearer(guess), 401},
		{"wrong password", fixture(t, "0-single-alert-firing.json"), basic("am", guess), 401},
		{"no credentials", fixture(t, "0-single-alert-firing.json"), nil, 401},
		{"malformed", []byte(`{"version":"4","alerts":[`), bearer(token), 400},
		{"invalid", []byte(`{"version":"4","groupKey":"g","status":"firing","alerts":[{"status":"firing","labels":{}}]}`), bearer(token), 400},
		{"too large", bytes.Repeat([]byte(" "), 70<<10), bearer(token), 413},
	}
	for _, st := range steps {
		if code, body := ts.post(t, st.body, st.auth); code != st.want {
			t.Fatalf("%s: %d %v, want %d", st.name, code, body, st.want)
		}
	}
	got := logs.String()
	if n := strings.Count(got, `"msg":"webhook"`); n != len(steps) {
		t.Errorf("%d webhook log lines for %d requests:\n%s", n, len(steps), got)
	}
	checkNoSecrets(t, got, token, "basic-pass", guess, "Bearer ")
	checkGolden(t, "log-webhook.golden", normalizedLines(t, got))
}

// TestLog_SignIn signs in to the web UI with a right and a wrong token:
// one line each, naming the identity or the refusal, never the token or
// the session.
func TestLog_SignIn(t *testing.T) {
	var logs logBuffer
	e := mustOpenUI(t, func(s *hhttp.Server) { s.Log = logs.logger(slog.LevelDebug) })
	b := e.browser(t)
	b.get("/signin")
	const wrong = "hs_0000000000000000000000000000000000000000"
	if resp, body := b.post("/signin", url.Values{"token": {wrong}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d\n%s", resp.StatusCode, body)
	}
	if resp, body := b.post("/signin", url.Values{"token": {e.tokens[hindsight.RoleEditor]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", resp.StatusCode, body)
	}
	b.get("/incidents")
	got := logs.String()
	var secrets []string
	for _, tok := range e.tokens {
		secrets = append(secrets, tok, hindsight.HashToken(tok))
	}
	for _, c := range b.c.Jar.Cookies(mustURL(t, e.url)) {
		secrets = append(secrets, c.Value)
	}
	checkNoSecrets(t, got, append(secrets, wrong)...)
	var lines []string
	for _, l := range strings.Split(normalizedLines(t, got), "\n") {
		if strings.Contains(l, `"msg":"signed in"`) || strings.Contains(l, `"msg":"sign-in refused"`) || strings.Contains(l, `"msg":"request"`) {
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	checkGolden(t, "log-signin.golden", strings.Join(lines, "\n")+"\n")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
