package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestServe_Reminders starts the server with a Slack webhook on 127.0.0.1
// and checks that an overdue action item is reminded of once, that the
// metrics show it, and that the webhook URL never reaches the log.
func TestServe_Reminders(t *testing.T) {
	t.Parallel()
	const secret = "/services/T000/B000/XXXXsecretXXXX"
	var mu sync.Mutex
	var posts []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == secret {
			posts = append(posts, string(body))
		}
	}))
	defer recv.Close()

	now := time.Date(2025, 10, 8, 9, 0, 0, 0, time.UTC)
	var logs testenv.LogBuffer
	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Now = func() time.Time { return now }
		m.Log = slog.New(slog.NewTextHandler(&logs, nil))
		m.Config.Server.BaseURL = "https://hindsight.example.com"
		m.Config.Reminders.Slack.WebhookURL = config.Secret(recv.URL + secret)
		m.Config.Reminders.Interval = config.Duration(20 * time.Millisecond)
	})
	ctx := context.Background()
	mustReminderDo(t, m.Store.CreateIncident(ctx, &hindsight.Incident{ID: "INC-1", Title: "API errors", Severity: hindsight.SEV1,
		Status: hindsight.IncidentInvestigating, StartedAt: now.AddDate(0, 0, -10)}))
	mustReminderDo(t, m.Store.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: "INC-1", Title: "Add a circuit breaker",
		Owner: "@alice", Horizon: hindsight.HorizonImmediate, DueDate: now.AddDate(0, 0, -3).Truncate(24 * time.Hour),
		Status: hindsight.ActionOpen}))

	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if n >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no reminder delivered")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a few more passes: nothing new to send
	mu.Lock()
	got := append([]string(nil), posts...)
	mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], "Add a circuit breaker") ||
		!strings.Contains(got[0], "https://hindsight.example.com/incidents/INC-1") {
		t.Fatalf("delivered %d: %v", len(got), got)
	}
	metrics := getBody(t, m.URL()+"/metrics")
	for _, want := range []string{
		`hindsight_reminders_sent_total{channel="slack",kind="action_overdue"} 1`,
		"hindsight_action_items_overdue 1",
		`hindsight_incidents_open{severity="SEV1"} 1`,
		`hindsight_reminder_failures_total{channel="slack"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(logs.String(), "XXXX") {
		t.Fatalf("the webhook URL reached the log:\n%s", logs.String())
	}
}

func mustReminderDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
