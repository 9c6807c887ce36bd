package reminder_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/reminder"
	"github.com/prometheus/client_golang/prometheus"
)

func TestActionReminder(t *testing.T) {
	for _, tt := range []struct {
		name       string
		due        time.Time
		status     hindsight.ActionStatus
		kind       hindsight.ReminderKind
		period     string
		wantRemind bool
	}{
		{"DueToday", day(2025, 10, 8), hindsight.ActionOpen, hindsight.ReminderActionDueSoon, "2025-10-08", true},
		{"DueAtHorizon", day(2025, 10, 10), hindsight.ActionInProgress, hindsight.ReminderActionDueSoon, "2025-10-10", true},
		{"DueBeyondHorizon", day(2025, 10, 11), hindsight.ActionOpen, "", "", false},
		{"DueYesterdayIsOverdue", day(2025, 10, 7), hindsight.ActionOpen, hindsight.ReminderActionOverdue, "2025-10-08", true},
		{"LongOverdueOncePerDay", day(2025, 9, 1), hindsight.ActionOpen, hindsight.ReminderActionOverdue, "2025-10-08", true},
		{"DoneNeedsNone", day(2025, 10, 7), hindsight.ActionDone, "", "", false},
		{"WontDoNeedsNone", day(2025, 10, 9), hindsight.ActionWontDo, "", "", false},
		{"NoDueDate", time.Time{}, hindsight.ActionOpen, "", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := &hindsight.ActionItem{DueDate: tt.due, Status: tt.status}
			kind, period, ok := reminder.ActionReminder(a, now, 2)
			if kind != tt.kind || period != tt.period || ok != tt.wantRemind {
				t.Fatalf("got %q %q %v, want %q %q %v", kind, period, ok, tt.kind, tt.period, tt.wantRemind)
			}
		})
	}
}

func TestScheduler_Due(t *testing.T) {
	s := teststore.SQLite(t)
	seed(t, s)
	sched := &reminder.Scheduler{Store: s, BaseURL: "https://hindsight.example.com/"}
	got, err := sched.Due(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"action_overdue 1 2025-10-08",
		"action_due_soon 2 2025-10-09",
		"action_due_soon 3 2025-10-10",
		"action_due_soon 6 2025-10-08",
		"review_not_submitted INC-A 2025-W41",
		"review_date_reached INC-A 2025-10-08",
	}
	if k := keys(got); !slices.Equal(k, want) {
		t.Fatalf("due:\n%s\nwant:\n%s", strings.Join(k, "\n"), strings.Join(want, "\n"))
	}
	if got[0].URL != "https://hindsight.example.com/incidents/INC-A" || got[0].Owner != "@alice" ||
		!strings.Contains(got[0].Title, "overdue by 3 days") {
		t.Fatalf("first reminder: %+v", got[0])
	}
	if !strings.Contains(got[4].Title, "DRAFT 7 days after resolution") {
		t.Fatalf("draft reminder: %+v", got[4])
	}

	t.Run("ReviewDueDays", func(t *testing.T) {
		sched := &reminder.Scheduler{Store: s, ReviewDueDays: 1}
		got, _ := sched.Due(context.Background(), now)
		if n := strings.Count(strings.Join(keys(got), "\n"), "review_not_submitted"); n != 2 {
			t.Fatalf("%d drafts after 1 day, want 2 (INC-A and INC-B)", n)
		}
		if got[0].URL != "" {
			t.Fatalf("URL %q without a base URL", got[0].URL)
		}
	})
	t.Run("NextDay", func(t *testing.T) {
		got, _ := sched.Due(context.Background(), now.Add(24*time.Hour))
		k := keys(got)
		for _, want := range []string{"action_overdue 1 2025-10-09", "action_overdue 6 2025-10-09"} {
			if !slices.Contains(k, want) {
				t.Fatalf("%q missing from %v", want, k)
			}
		}
	})
}

func TestScheduler_RunOnce(t *testing.T) {
	ctx := context.Background()

	t.Run("OncePerPeriod", func(t *testing.T) {
		s := teststore.SQLite(t)
		seed(t, s)
		rec := &recorder{}
		sched := &reminder.Scheduler{Store: s, Now: func() time.Time { return now },
			Channels: []notify.Channel{{Name: "test", Notifier: rec}}}
		for range 3 {
			if _, err := sched.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(rec.delivered()); n != 6 {
			t.Fatalf("%d deliveries in three passes, want 6: %v", n, keys(rec.delivered()))
		}
		// A day later only the overdue reminders come again (item 6 is now
		// overdue too); the weekly draft reminder and the others do not.
		sched.Now = func() time.Time { return now.Add(24 * time.Hour) }
		res, err := sched.RunOnce(ctx)
		if err != nil || res.Sent != 2 {
			t.Fatalf("next day: %+v, %v; delivered %v", res, err, keys(rec.delivered()))
		}
	})

	t.Run("ReceiverFailsThenRecovers", func(t *testing.T) {
		s := teststore.SQLite(t)
		seed(t, s)
		var mu sync.Mutex
		posts, fail := map[string]int{}, 3
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if fail > 0 {
				fail--
				http.Error(w, "down", http.StatusInternalServerError)
				return
			}
			posts[r.URL.Path]++
		}))
		defer srv.Close()
		reg := prometheus.NewRegistry()
		m := notify.NewMetrics(reg)
		slack := &notify.Retrying{Channel: notify.Channel{Name: notify.ChannelSlack,
			Notifier: &notify.Slack{WebhookURL: srv.URL + "/hook/secret"}},
			Attempts: 2, Backoff: func(int) time.Duration { return 0 }, Metrics: m}
		sched := &reminder.Scheduler{Store: s, Now: func() time.Time { return now }, Metrics: m,
			Channels: []notify.Channel{{Name: notify.ChannelSlack, Notifier: slack}}}
		first, err := sched.RunOnce(ctx)
		if err != nil || first.Failed != 1 || first.Sent != 5 {
			t.Fatalf("first pass %+v, %v", first, err)
		}
		second, err := sched.RunOnce(ctx)
		if err != nil || second.Sent != 1 || second.Skipped != 5 {
			t.Fatalf("second pass %+v, %v", second, err)
		}
		if posts["/hook/secret"] != 6 {
			t.Fatalf("%d reminders delivered, want 6", posts["/hook/secret"])
		}
		for _, tt := range []struct {
			name   string
			metric string
			labels []string
			want   float64
		}{
			{"failures", "hindsight_reminder_failures_total", []string{"channel", "slack"}, 3},
			{"sent due soon", "hindsight_reminders_sent_total", []string{"channel", "slack", "kind", "action_due_soon"}, 3},
			{"sent overdue", "hindsight_reminders_sent_total", []string{"channel", "slack", "kind", "action_overdue"}, 1},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if got := metricValue(t, reg, tt.metric, tt.labels...); got != tt.want {
					t.Fatalf("%s%v = %v, want %v", tt.metric, tt.labels, got, tt.want)
				}
			})
		}
	})
}

// metricValue returns the value of the series of name whose labels are
// pairs (name, value, …).
func metricValue(t *testing.T, g prometheus.Gatherer, name string, pairs ...string) float64 {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			match := f.GetName() == name
			for i := 0; match && i+1 < len(pairs); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					found = found || (l.GetName() == pairs[i] && l.GetValue() == pairs[i+1])
				}
				match = found
			}
			if match && m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			if match {
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no series %s%v", name, pairs)
	return 0
}
