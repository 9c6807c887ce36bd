package impact_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/impact"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// fixture is an impact service over a store with one incident of service
// api, resolved 30 minutes after it started, on a test clock.
type fixture struct {
	store *sqlstore.Store
	svc   *impact.Service
	clock *testenv.Clock
	inc   *hindsight.Incident
}

// newFixture builds the service with the Prometheus at promURL ("" for
// none); the clock starts at now.
func newFixture(t *testing.T, store *sqlstore.Store, promURL string, now time.Time) *fixture {
	t.Helper()
	cfg := config.Default()
	cfg.Prometheus.URL = promURL
	clock := testenv.NewClock(now)
	inc := storetest.MustCreateIncident(t, store, storetest.NewIncident(0, "Measured"))
	storetest.Resolve(t, store, inc, 30*time.Minute)
	svc := impact.New(cfg, store, clock.Now)
	svc.Log = slog.New(slog.DiscardHandler)
	return &fixture{store: store, svc: svc, clock: clock, inc: inc}
}

// runDue runs one pass and requires it to measure want incidents.
func (f *fixture) runDue(t *testing.T, want int) *hindsight.ImpactRecord {
	t.Helper()
	n, err := f.svc.RunDue(context.Background())
	if err != nil || n != want {
		t.Fatalf("RunDue: %d measured, %v; want %d", n, err, want)
	}
	r, err := f.store.FindImpact(context.Background(), f.inc.ID)
	if err != nil {
		t.Fatalf("FindImpact: %v", err)
	}
	return r
}

// TestService_Measures: a resolved incident is measured once, its
// availability to the digit, with nothing left to retry.
func TestService_Measures(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		prom := testenv.StartFakePrometheus(t)
		f := newFixture(t, store, prom.URL, time.Now().Truncate(time.Second))
		r := f.runDue(t, 1)
		if !r.Impact.Availability.Measured || r.Impact.Availability.Value != 99 || r.NeedsRetry || r.Attempts != 1 {
			t.Fatalf("impact: %+v", r)
		}
		if !r.ComputedAt.Equal(f.clock.Now()) {
			t.Errorf("computed at %v, want the clock's %v", r.ComputedAt, f.clock.Now())
		}
		if got := f.runDue(t, 0); got.Attempts != 1 {
			t.Errorf("measured again without a retry due: %+v", got)
		}
	})
}

// TestService_Retry: a Prometheus that fails gives a figure "not measured"
// and a retry a minute later, not before; the retry measures it.
func TestService_Retry(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		prom := testenv.StartFakePrometheus(t)
		prom.Fail.Store(1 << 20) // every query fails until the test lets them through
		f := newFixture(t, store, prom.URL, time.Now())
		first := f.runDue(t, 1)
		reason := first.Impact.Availability.Reason
		if first.Impact.Availability.Measured || !strings.Contains(reason, "server error") || !first.NeedsRetry || first.Attempts != 1 {
			t.Fatalf("first attempt: %+v", first)
		}
		if want := first.ComputedAt.Add(time.Minute); !first.RetryAfter.Equal(want) {
			t.Errorf("retry after %v, want %v", first.RetryAfter, want)
		}
		prom.Fail.Store(0)
		if r := f.runDue(t, 0); r.Attempts != 1 {
			t.Fatalf("retried before retry_after: %+v", r)
		}
		f.clock.Advance(2 * time.Minute)
		second := f.runDue(t, 1)
		if second.Attempts != 2 || !second.Impact.Availability.Measured || second.NeedsRetry {
			t.Fatalf("retry: %+v", second)
		}
	})
}

// TestService_GivesUp: a Prometheus that never answers is retried, each
// time after the backoff, until hindsight.MaxImpactAttempts; then no more.
func TestService_GivesUp(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		prom := testenv.StartFakePrometheus(t)
		prom.Fail.Store(1 << 20)
		f := newFixture(t, store, prom.URL, time.Now())
		for attempt := 1; attempt <= hindsight.MaxImpactAttempts; attempt++ {
			r := f.runDue(t, 1)
			if r.Attempts != attempt || r.Impact.Availability.Measured {
				t.Fatalf("attempt %d: %+v", attempt, r)
			}
			if last := attempt == hindsight.MaxImpactAttempts; r.NeedsRetry == last {
				t.Fatalf("attempt %d of %d: needs retry %v", attempt, hindsight.MaxImpactAttempts, r.NeedsRetry)
			}
			if want := r.ComputedAt.Add(hindsight.ImpactRetryDelay(attempt)); r.NeedsRetry && !r.RetryAfter.Equal(want) {
				t.Fatalf("attempt %d: retry after %v, want %v", attempt, r.RetryAfter, want)
			}
			f.clock.Advance(hindsight.ImpactRetryDelay(attempt) + time.Second)
		}
		f.clock.Advance(24 * time.Hour)
		if r := f.runDue(t, 0); r.Attempts != hindsight.MaxImpactAttempts {
			t.Fatalf("measured after giving up: %+v", r)
		}
	})
}

// TestService_WithoutPrometheus: no URL gives "not measured" once, with no
// retry, and asks no one.
func TestService_WithoutPrometheus(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		f := newFixture(t, store, "", time.Now())
		r := f.runDue(t, 1)
		if r.Impact.Availability.Reason != "not measured: no Prometheus URL is configured" || r.NeedsRetry {
			t.Fatalf("impact: %+v", r)
		}
		f.clock.Advance(24 * time.Hour)
		f.runDue(t, 0)
	})
}

// TestService_GraphsRedrawnAfterMargin: measured before the margin after
// the resolution has passed, the graphs stop at the present and are drawn
// again a minute after the margin ends; then they are whole.
func TestService_GraphsRedrawnAfterMargin(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		prom := testenv.StartFakePrometheus(t)
		resolved := storetest.NewIncident(0, "Measured").StartedAt.Add(30 * time.Minute)
		f := newFixture(t, store, prom.URL, resolved.Add(5*time.Minute))
		first := f.runDue(t, 1)
		until := resolved.Add(hindsight.DefaultGraphMargin)
		if !first.Impact.GraphsUntil.Equal(until) || !first.NeedsRetry || !first.RetryAfter.Equal(until.Add(time.Minute)) {
			t.Fatalf("graphs until %v, retry %v at %v; want until %v, a retry a minute later",
				first.Impact.GraphsUntil, first.NeedsRetry, first.RetryAfter, until)
		}
		if !first.Impact.Availability.Measured || len(first.Impact.Graphs) == 0 {
			t.Fatalf("first measurement: %+v", first.Impact)
		}
		for _, g := range first.Impact.Graphs {
			if g.End.After(f.clock.Now()) {
				t.Errorf("graph %s drawn to %v, after the present %v", g.Name, g.End, f.clock.Now())
			}
		}
		f.clock.Advance(time.Hour)
		second := f.runDue(t, 1)
		if second.Attempts != 2 || !second.Impact.GraphsUntil.IsZero() || second.NeedsRetry {
			t.Fatalf("redrawn: attempt %d, graphs until %v, retry %v", second.Attempts, second.Impact.GraphsUntil, second.NeedsRetry)
		}
		for _, g := range second.Impact.Graphs {
			if g.End.Before(until) {
				t.Errorf("graph %s drawn to %v, before the margin's end %v", g.Name, g.End, until)
			}
		}
	})
}
