// Package worker is the one shape of Hindsight's background loops (raw
// notification pruning, impact measurement, reminders, follow-ups, the
// dashboard's refresh): a task runs once at start and then every interval
// until stopped, and every run is counted in Prometheus metrics and, when it
// did something or failed, logged as one line.
package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Task is one background job.
type Task struct {
	// Name labels the task's metrics and log lines, such as "impact".
	Name string
	// Interval is the time between the start of two runs.
	Interval time.Duration
	// Run does one pass and returns how many things it did (rows pruned,
	// incidents measured, reminders sent…). A run that returns an error is
	// retried on the next tick.
	Run func(ctx context.Context) (done int, err error)
}

// Metrics count every task's runs. Register them once per process with
// NewMetrics; a nil *Metrics counts nothing.
type Metrics struct {
	runs        *prometheus.CounterVec
	items       *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	lastSuccess *prometheus.GaugeVec
	lastRun     *prometheus.GaugeVec
}

// NewMetrics creates the worker metrics and registers them on reg. The
// series of each named task start at zero, so that rate() and absence
// alerts work from the first scrape.
func NewMetrics(reg prometheus.Registerer, names ...string) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hindsight_worker_runs_total",
			Help: "Runs of each background worker, by result (ok, error).",
		}, []string{"worker", "result"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hindsight_worker_items_total",
			Help: "Things a background worker did (rows pruned, incidents measured, reminders sent, follow-ups computed).",
		}, []string{"worker"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hindsight_worker_run_duration_seconds",
			Help:    "Duration of one run of a background worker.",
			Buckets: []float64{.005, .025, .1, .5, 1, 5, 30, 120},
		}, []string{"worker"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hindsight_worker_last_success_timestamp_seconds",
			Help: "Unix time of the last run of a background worker that ended without error.",
		}, []string{"worker"}),
		lastRun: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hindsight_worker_last_run_timestamp_seconds",
			Help: "Unix time of the last run of a background worker, whatever its result.",
		}, []string{"worker"}),
	}
	reg.MustRegister(m.runs, m.items, m.duration, m.lastSuccess, m.lastRun)
	for _, n := range names {
		m.runs.WithLabelValues(n, "ok")
		m.runs.WithLabelValues(n, "error")
		m.items.WithLabelValues(n)
	}
	return m
}

// observe records one run.
func (m *Metrics) observe(name string, took time.Duration, done int, err error, end time.Time) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "error"
	} else {
		m.lastSuccess.WithLabelValues(name).Set(float64(end.UnixNano()) / 1e9)
	}
	m.runs.WithLabelValues(name, result).Inc()
	m.items.WithLabelValues(name).Add(float64(done))
	m.duration.WithLabelValues(name).Observe(took.Seconds())
	m.lastRun.WithLabelValues(name).Set(float64(end.UnixNano()) / 1e9)
}

// Start runs t once now and then every t.Interval in a goroutine, until
// stop is called; stop cancels the run in progress and waits for it. A run
// cancelled by stop is neither counted nor logged.
func Start(t Task, log *slog.Logger, m *Metrics) (stop func()) {
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(t.Interval)
		defer ticker.Stop()
		for {
			RunOnce(ctx, t, log, m)
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
}

// RunOnce runs t once, counts the run and logs it: at info when it did
// something, at warn when it failed, at debug otherwise.
func RunOnce(ctx context.Context, t Task, log *slog.Logger, m *Metrics) {
	start := time.Now()
	n, err := t.Run(ctx)
	end := time.Now()
	if ctx.Err() != nil {
		return
	}
	took := end.Sub(start)
	m.observe(t.Name, took, n, err, end)
	attrs := []slog.Attr{slog.String("worker", t.Name), slog.Int("done", n),
		slog.Float64("duration_ms", float64(took.Microseconds())/1000)}
	switch {
	case err != nil:
		log.LogAttrs(ctx, slog.LevelWarn, "worker run failed; the next run retries", append(attrs, slog.String("error", err.Error()))...)
	case n > 0:
		log.LogAttrs(ctx, slog.LevelInfo, "worker run", attrs...)
	default:
		log.LogAttrs(ctx, slog.LevelDebug, "worker run", attrs...)
	}
}
