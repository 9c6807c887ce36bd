package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/notify"
	"github.com/prometheus/client_golang/prometheus"
)

// secretPath is the part of a webhook URL that is the credential.
const secretPath = "/services/T000/B000/XXXXsecretXXXX"

// webhookReceiver records the bodies posted to it and answers with the
// statuses of fail, in order, then 200.
type webhookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	fail   []int
	bodies [][]byte
	calls  int
}

func newWebhookReceiver(t *testing.T, fail ...int) *webhookReceiver {
	t.Helper()
	w := &webhookReceiver{fail: fail}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.calls++
		if r.URL.Path != secretPath || r.Header.Get("Content-Type") != "application/json" {
			http.Error(rw, "no such hook "+r.URL.Path, http.StatusNotFound)
			return
		}
		if len(w.fail) > 0 {
			code := w.fail[0]
			w.fail = w.fail[1:]
			http.Error(rw, "failing on purpose at "+r.URL.Path, code)
			return
		}
		w.bodies = append(w.bodies, body)
		io.WriteString(rw, "ok")
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *webhookReceiver) delivered() ([][]byte, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([][]byte(nil), w.bodies...), w.calls
}

func TestSlack_Send(t *testing.T) {
	ctx := context.Background()

	t.Run("Payload", func(t *testing.T) {
		recv := newWebhookReceiver(t)
		if err := (&notify.Slack{WebhookURL: recv.URL + secretPath}).Send(ctx, sampleReminder()); err != nil {
			t.Fatal(err)
		}
		bodies, _ := recv.delivered()
		var msg struct {
			Text   string `json:"text"`
			Blocks []struct {
				Type string `json:"type"`
				Text struct{ Type, Text string }
			} `json:"blocks"`
		}
		if err := json.Unmarshal(bodies[0], &msg); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(msg.Text, "Overdue: Add a circuit breaker") || len(msg.Blocks) != 2 {
			t.Fatalf("payload %s", bodies[0])
		}
		for _, b := range msg.Blocks {
			if b.Type != "section" || b.Text.Type != "mrkdwn" {
				t.Fatalf("block %+v", b)
			}
		}
		if !strings.Contains(msg.Blocks[0].Text.Text, "<https://hindsight.example.com/incidents/") ||
			!strings.Contains(msg.Blocks[1].Text.Text, "• Owner: @alice") {
			t.Fatalf("blocks %+v", msg.Blocks)
		}
	})

	t.Run("ErrorsKeepTheURLSecret", func(t *testing.T) {
		recv := newWebhookReceiver(t, http.StatusBadRequest)
		err := (&notify.Slack{WebhookURL: recv.URL + secretPath}).Send(ctx, sampleReminder())
		if err == nil || !notify.IsPermanent(err) || strings.Contains(err.Error(), "XXXX") || !strings.Contains(err.Error(), "<secret>") {
			t.Fatalf("got %v", err)
		}
		recv.Close()
		err = (&notify.Slack{WebhookURL: recv.URL + secretPath}).Send(ctx, sampleReminder())
		if err == nil || notify.IsPermanent(err) || strings.Contains(err.Error(), "XXXX") {
			t.Fatalf("got %v", err)
		}
		if s := (&notify.Slack{WebhookURL: recv.URL + secretPath}).String(); strings.Contains(s, "XXXX") {
			t.Fatalf("String() = %q", s)
		}
	})
}

func TestRetrying_Send(t *testing.T) {
	ctx := context.Background()
	noWait := func(int) time.Duration { return 0 }

	t.Run("FailsThenRecovers", func(t *testing.T) {
		recv := newWebhookReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
		reg := prometheus.NewRegistry()
		m := notify.NewMetrics(reg)
		var waits []int
		rt := &notify.Retrying{
			Channel:  notify.Channel{Name: notify.ChannelSlack, Notifier: &notify.Slack{WebhookURL: recv.URL + secretPath}},
			Attempts: 4, Metrics: m,
			Backoff: func(n int) time.Duration { waits = append(waits, n); return 0 },
		}
		if err := rt.Send(ctx, sampleReminder()); err != nil {
			t.Fatal(err)
		}
		bodies, calls := recv.delivered()
		if len(bodies) != 1 || calls != 3 || len(waits) != 2 {
			t.Fatalf("delivered %d in %d calls after %v waits", len(bodies), calls, waits)
		}
		if got := metricValue(t, reg, "hindsight_reminders_sent_total", "channel", "slack", "kind", "action_overdue"); got != 1 {
			t.Errorf("sent = %v", got)
		}
		if got := metricValue(t, reg, "hindsight_reminder_failures_total", "channel", "slack"); got != 2 {
			t.Errorf("failures = %v", got)
		}
	})

	t.Run("GivesUp", func(t *testing.T) {
		recv := newWebhookReceiver(t, 500, 500, 500, 500)
		rt := &notify.Retrying{Channel: notify.Channel{Name: "slack", Notifier: &notify.Slack{WebhookURL: recv.URL + secretPath}},
			Attempts: 3, Backoff: noWait}
		err := rt.Send(ctx, sampleReminder())
		if _, calls := recv.delivered(); err == nil || calls != 3 || strings.Contains(err.Error(), "XXXX") {
			t.Fatalf("got %v after %d calls", err, calls)
		}
	})

	t.Run("PermanentNotRetried", func(t *testing.T) {
		recv := newWebhookReceiver(t, 404, 404)
		rt := &notify.Retrying{Channel: notify.Channel{Name: "slack", Notifier: &notify.Slack{WebhookURL: recv.URL + secretPath}},
			Backoff: noWait}
		if err := rt.Send(ctx, sampleReminder()); err == nil {
			t.Fatal("no error")
		}
		if _, calls := recv.delivered(); calls != 1 {
			t.Fatalf("%d calls", calls)
		}
	})
}

func TestExponentialBackoff(t *testing.T) {
	b := notify.ExponentialBackoff(time.Second, 5*time.Second)
	for _, tt := range []struct {
		name     string
		n        int
		min, max time.Duration
	}{
		{"first", 1, 500 * time.Millisecond, time.Second},
		{"second", 2, time.Second, 2 * time.Second},
		{"third", 3, 2 * time.Second, 4 * time.Second},
		{"capped", 10, 2500 * time.Millisecond, 5 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for range 50 {
				if d := b(tt.n); d < tt.min || d > tt.max {
					t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tt.n, d, tt.min, tt.max)
				}
			}
		})
	}
}

// metricValue returns the value of the series of name whose labels are
// pairs (name, value, name, value…), failing when there is none.
func metricValue(t *testing.T, g prometheus.Gatherer, name string, pairs ...string) float64 {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(pairs); i += 2 {
				if got[pairs[i]] != pairs[i+1] {
					continue series
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no series %s%v", name, pairs)
	return 0
}
