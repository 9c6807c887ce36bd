package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// notification returns a one-alert Alertmanager notification with the given
// status, startsAt and endsAt (RFC 3339).
func notification(status, startsAt, endsAt string) []byte {
	alert := map[string]any{
		"status":   status,
		"labels":   map[string]string{"alertname": "FarAway", "severity": "critical"},
		"startsAt": startsAt,
		"endsAt":   endsAt,
	}
	b, _ := json.Marshal(map[string]any{
		"version":  "4",
		"status":   status,
		"receiver": "webhook",
		"groupKey": `{}:{alertname="FarAway"}`,
		"alerts":   []any{alert},
	})
	return b
}

// post sends body to the webhook and returns the status and answer.
func (s *server) post(t *testing.T, token string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/v1/alerts/alertmanager", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST webhook: %v (is the process still alive?)\n%s", err, s.log)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestWebhookUnstorableTimes posts, to a running hindsight serve process on
// each engine, notifications whose times no store can hold (a start near the
// end of year 9999, whose due and review dates overflow; the far past). Each
// is refused with a 400 naming the field, the process keeps answering, and
// nothing is stored; Alertmanager's retry of the same notification gets the
// same answer.
func TestWebhookUnstorableTimes(t *testing.T) {
	t.Parallel()
	const token = "e2e-hostile-token"
	cases := []struct {
		name  string
		body  []byte
		field string
	}{
		{"start at the end of 9999", notification("firing", "9999-12-31T23:59:00Z", "0001-01-01T00:00:00Z"), "alerts[0].startsAt"},
		{"start late in 9999", notification("firing", "9999-10-15T00:00:00Z", "0001-01-01T00:00:00Z"), "alerts[0].startsAt"},
		{"resolved at the end of 9999", notification("resolved", "2026-11-27T05:35:29Z", "9999-12-31T23:59:59Z"), "alerts[0].endsAt"},
		{"start in year 1", notification("firing", "0001-01-01T00:00:01Z", "0001-01-01T00:00:00Z"), "alerts[0].startsAt"},
		{"start in year 0", notification("firing", "0000-06-01T00:00:00Z", "0001-01-01T00:00:00Z"), "alerts[0].startsAt"},
	}
	testenv.ForEachEngine(t, func(t *testing.T, dsn string) {
		hs := startServerOn(t, token, dsn)
		for _, c := range cases {
			for attempt := 1; attempt <= 2; attempt++ {
				code, answer := hs.post(t, token, c.body)
				if code != http.StatusBadRequest || !strings.Contains(answer, c.field) {
					t.Errorf("%s (attempt %d): got %d %s, want 400 naming %s", c.name, attempt, code, answer, c.field)
				}
				resp, err := get(hs.URL+"/healthz", "")
				if err != nil {
					t.Fatalf("%s: the server no longer answers: %v\n%s", c.name, err, hs.log)
				}
				resp.Body.Close()
			}
		}
		if n := len(hs.incidents(t)); n != 0 {
			t.Errorf("%d incidents stored from refused notifications, want 0", n)
		}
		// The intake still works after the refusals.
		code, answer := hs.post(t, token, notification("firing", "2026-11-27T05:35:29Z", "0001-01-01T00:00:00Z"))
		if code != http.StatusOK {
			t.Fatalf("valid notification after the refusals: %d %s", code, answer)
		}
		if n := len(hs.incidents(t)); n != 1 {
			t.Errorf("%d incidents after one valid notification, want 1", n)
		}
	})
}
