package worker_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/worker"
)

func TestStart_CountsAndLogsRuns(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := worker.NewMetrics(reg, "prune")
	if v, ok := value(t, reg, "hindsight_worker_runs_total", "result", "error"); !ok || v != 0 {
		t.Fatalf("error runs before any run: %v %v, want a series at zero", v, ok)
	}
	var logs testenv.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var runs atomic.Int32
	results := []struct {
		n   int
		err error
	}{{3, nil}, {0, nil}, {0, errors.New("store gone")}}
	stop := worker.Start(worker.Task{Name: "prune", Interval: 5 * time.Millisecond, Run: func(ctx context.Context) (int, error) {
		i := int(runs.Add(1)) - 1
		if i >= len(results) {
			<-ctx.Done() // block until stopped: stop must cancel and wait
			return 0, ctx.Err()
		}
		return results[i].n, results[i].err
	}}, log, m)
	deadline := time.Now().Add(10 * time.Second)
	for runs.Load() <= int32(len(results)) {
		if time.Now().After(deadline) {
			t.Fatal("the worker did not run again")
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	stop() // idempotent
	if got, _ := value(t, reg, "hindsight_worker_runs_total", "result", "ok"); got != 2 {
		t.Errorf("ok runs = %v, want 2", got)
	}
	if got, _ := value(t, reg, "hindsight_worker_runs_total", "result", "error"); got != 1 {
		t.Errorf("error runs = %v, want 1 (a run cancelled by stop is not counted)", got)
	}
	if got, _ := value(t, reg, "hindsight_worker_items_total"); got != 3 {
		t.Errorf("items = %v, want 3", got)
	}
	out := logs.String()
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, `level=INFO msg="worker run" worker=prune done=3`) ||
		!strings.Contains(out, `level=WARN msg="worker run failed; the next run retries" worker=prune done=0`) || !strings.Contains(out, `error="store gone"`) {
		t.Errorf("logs: one info line for the run that did something, one warning for the failure; got\n%s", out)
	}
}

// value returns the counter of the family name whose labels include the
// pairs given (name, value, …).
func value(t *testing.T, g prometheus.Gatherer, name string, pairs ...string) (float64, bool) {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(pairs); i += 2 {
				if labels[pairs[i]] != pairs[i+1] {
					continue metrics
				}
			}
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}
