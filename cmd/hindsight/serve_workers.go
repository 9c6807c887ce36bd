package main

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/impact"
	"github.com/hindsight-sre/hindsight/worker"
)

// Worker names, as the worker metrics and log lines label them.
const (
	workerPrune     = "prune"
	workerImpact    = "impact"
	workerReminders = "reminders"
	workerFollowUps = "follow_ups"
	workerDashboard = "dashboard"
)

// workerNames lists every worker that "hindsight serve" runs.
var workerNames = []string{workerPrune, workerImpact, workerReminders, workerFollowUps, workerDashboard, workerIndexSweep,
	workerAnnotations, workerDistribution, workerSilences, workerSlack, workerTrackerSync, workerTrackerReconcile}

// workerSet holds the running workers' stop functions and their metrics.
type workerSet struct {
	metrics *worker.Metrics
	stops   map[string]func()
	order   []string
}

// startWorkers starts every background loop of the server, each in the
// one shape of package worker: once now, then every interval.
func (m *Main) startWorkers(s *hhttp.Server) {
	m.workers = &workerSet{metrics: worker.NewMetrics(s.Registry, workerNames...), stops: map[string]func(){}}
	m.startWorker(worker.Task{Name: workerPrune, Interval: orDefaultDuration(m.PruneInterval, DefaultPruneInterval), Run: m.prune})
	m.startReminders()
	m.startWorker(worker.Task{Name: workerImpact, Interval: orDefaultDuration(m.ImpactInterval, impact.DefaultInterval), Run: m.impact.RunDue})
	m.startFollowUps()
	m.startIndexSweep()
	m.startAnnotations()
	m.startSlack()
	m.startDistribution()
	m.startSilences()
	m.startTrackers()
	m.startWorker(worker.Task{Name: workerDashboard, Interval: orDefaultDuration(m.DashboardRefresh, hhttp.DefaultDashboardRefresh),
		Run: func(ctx context.Context) (int, error) {
			return s.RefreshDashboardWindow(ctx, orDefaultDuration(m.DashboardRefresh, hhttp.DefaultDashboardRefresh))
		}})
}

// startWorker starts t, replacing a stopped worker of the same name.
func (m *Main) startWorker(t worker.Task) {
	m.workers.stops[t.Name] = worker.Start(t, m.logger(), m.workers.metrics)
	m.workers.order = append(m.workers.order, t.Name)
}

// stopWorker stops the named worker and waits for its run in progress.
func (m *Main) stopWorker(name string) {
	if m.workers == nil {
		return
	}
	if stop := m.workers.stops[name]; stop != nil {
		stop()
		delete(m.workers.stops, name)
	}
}

// stopWorkers stops every worker, last started first.
func (m *Main) stopWorkers() {
	if m.workers == nil {
		return
	}
	for i := len(m.workers.order) - 1; i >= 0; i-- {
		m.stopWorker(m.workers.order[i])
	}
}

// DefaultPruneInterval is how often "hindsight serve" deletes raw
// notifications past their retention.
const DefaultPruneInterval = time.Hour

// prune deletes the raw notifications older than webhook.raw_retention.
// Their incidents and timelines stay; only the evidence (and the dedup
// record of notifications that old) goes.
func (m *Main) prune(ctx context.Context) (int, error) {
	cutoff := m.now().Add(-m.Config.Webhook.RawRetention.Std())
	n, err := m.Store.PruneNotifications(ctx, cutoff)
	return int(n), err
}

// now is the program's clock.
func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// followUpTask is the daily follow-up pass, run as the system actor.
func followUpTask(run func(ctx context.Context) (int, error)) worker.Task {
	return worker.Task{Name: workerFollowUps, Interval: FollowUpInterval, Run: func(ctx context.Context) (int, error) {
		return run(hindsight.NewContextWithActor(ctx, hindsight.SystemActor))
	}}
}

func orDefaultDuration(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}
