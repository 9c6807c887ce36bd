package reminder_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/reminder"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// TestScheduler_TwoInstances runs two schedulers, each with its own store
// pool, on one PostgreSQL database, making passes at the same moments: every
// reminder must be delivered exactly once per channel, whichever instance
// sends it.
func TestScheduler_TwoInstances(t *testing.T) {
	dsn := teststore.PostgresDSN(t)
	ctx := context.Background()
	stores := []*sqlstore.Store{teststore.Open(t, dsn), teststore.Open(t, dsn)}
	seed(t, stores[0])

	t.Run("ExactlyOnce", func(t *testing.T) {
		recs := []*recorder{{}, {}}
		scheds := make([]*reminder.Scheduler, 2)
		for i := range scheds {
			scheds[i] = &reminder.Scheduler{Store: stores[i], Now: func() time.Time { return now },
				Channels: []notify.Channel{{Name: "test", Notifier: recs[i]}}}
		}
		runConcurrently(t, scheds, 5)
		assertOnce(t, 6, recs...)
	})

	t.Run("FailingInstanceReleasesItsClaims", func(t *testing.T) {
		later := now.Add(24 * time.Hour) // a new day: the overdue reminders are due again
		broken, healthy := &recorder{failFirst: 1 << 30}, &recorder{}
		scheds := []*reminder.Scheduler{
			{Store: stores[0], Now: func() time.Time { return later }, Log: slog.New(slog.DiscardHandler), Channels: []notify.Channel{{Name: "test", Notifier: broken}}},
			{Store: stores[1], Now: func() time.Time { return later }, Channels: []notify.Channel{{Name: "test", Notifier: healthy}}},
		}
		runConcurrently(t, scheds, 3)
		// The broken instance may have won every claim so far; it released
		// them, so the healthy one's next pass delivers what is left.
		for range 2 {
			if _, err := scheds[1].RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		assertOnce(t, 2, healthy)
		if len(broken.delivered()) != 0 {
			t.Fatal("the broken instance delivered")
		}
	})
}

// runConcurrently makes rounds passes on every scheduler, the schedulers of
// one round starting together.
func runConcurrently(t *testing.T, scheds []*reminder.Scheduler, rounds int) {
	t.Helper()
	for range rounds {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, s := range scheds {
			wg.Go(func() {
				<-start
				if _, err := s.RunOnce(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
	}
}

// assertOnce checks that the recorders together delivered want reminders,
// none twice.
func assertOnce(t *testing.T, want int, recs ...*recorder) {
	t.Helper()
	seen := map[string]int{}
	var all []hindsight.Reminder
	for _, r := range recs {
		all = append(all, r.delivered()...)
	}
	for _, k := range keys(all) {
		if seen[k]++; seen[k] > 1 {
			t.Errorf("%s delivered %d times", k, seen[k])
		}
	}
	if len(seen) != want {
		t.Errorf("%d distinct reminders delivered, want %d: %v", len(seen), want, keys(all))
	}
}
