package prometheus_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/prometheus"
)

// TestImpact_RealPrometheus measures an incident whose traffic the test sets
// itself, with the real Prometheus scraping the test exporter every second,
// and compares the figures with the values worked out by hand:
//
//	before:   100 req/s, no errors, 50 ms          (12 s of baseline)
//	incident: 100 req/s, 20% errors, 300 ms        (20 s, from t1 to t2)
//	targets:  availability 90%, error rate 1%, SLO window 30 s
//
//	availability   = 100% − 20%                                   = 80%
//	peak errors    = 20%
//	downtime       = 20 s (the whole incident is above 1%)
//	event budget   = 0.2 × 100 × 20 / ((1 − 0.9) × 100 × 30)     = 400 / 300 = 133.3%
//	p95, p99       = 300 ms lies in the (0.25 s, 0.5 s] bucket, so
//	                 histogram_quantile interpolates 250 + 0.95 × 250 = 487.5 ms
//	                 and 250 + 0.99 × 250 = 497.5 ms
//
// Tolerances, and why:
//   - availability and peak error rate ±1 percentage point: the exporter
//     counts whole requests (about 100 a scrape, carrying fractions over),
//     and the scrape that straddles t1 or t2 mixes the two traffic levels;
//     the ratio of two counters scraped together is otherwise exact, since
//     rate()'s extrapolation scales both alike.
//   - event budget ±10% relative: errors and window requests are each
//     rate() × range, and rate() extrapolates the increase between the
//     first and last sample in the range to the range's edges only when
//     they lie within 1.1 scrape intervals, otherwise half an interval:
//     up to a second of a 20 s or 30 s range, about 5% each.
//   - downtime ±5 s: the 1 s step plus the 3 s rate() range smear each edge.
//   - impact start ±2 s: one rate() range of 3 s, less the step.
func TestImpact_RealPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prometheus and waits for about 40 seconds of scrapes")
	}
	exporter := testenv.StartExporter(t, "api")
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 100})
	prom := testenv.StartPrometheus(t, testenv.PrometheusOptions{
		ScrapeTargets: []string{exporter.Target}, JobName: "api", ScrapeInterval: time.Second,
	})
	waitForScrapes(t, exporter, 12)

	t1 := time.Now()
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 100, ErrorRatio: 0.2, Latency: 300 * time.Millisecond})
	time.Sleep(20 * time.Second)
	t2 := time.Now()
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 100})
	time.Sleep(3 * time.Second) // the scrapes that close the incident land

	client, err := prometheus.New(config.PrometheusConfig{URL: prom.URL, Timeout: config.Duration(10 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	// Scrapes every second allow a finer resolution than the 15 s default.
	client.MinStep, client.MinRange, client.Lookback = time.Second, 3*time.Second, 15*time.Second
	targets := hindsight.SLOTargets{Availability: 90, ErrorRate: 1, LatencyP95: time.Second, Window: 30 * time.Second}
	req := prometheus.Request{Start: t1, End: t2, Service: "api", Targets: targets, Queries: config.DefaultQueries()}
	imp := client.Impact(context.Background(), req)
	for name, f := range figures(imp) {
		t.Logf("%-20s %s  [%s] %s", name, f, f.Query, f.Note)
	}

	within(t, "Availability", imp.Availability, 80, 1)
	within(t, "PeakErrorRate", imp.PeakErrorRate, 20, 1)
	within(t, "ErrorBudgetConsumed", imp.ErrorBudgetConsumed, 400.0/300*100, 400.0/300*100*0.10)
	within(t, "Downtime", imp.Downtime, 20.0/60, 5.0/60)
	within(t, "LatencyP95", imp.LatencyP95, 487.5, 0.5)
	within(t, "LatencyP99", imp.LatencyP99, 497.5, 0.5)
	within(t, "MonthlyBudget", imp.MonthlyBudget, 0.05, 1e-9)
	if f := imp.MaxStaleness; f.Measured {
		t.Errorf("MaxStaleness = %v, want not measured: the exporter has no freshness gauge", f)
	}

	// The same breach, seen by an alert that fired ten seconds into it.
	req.Start = t1.Add(10 * time.Second)
	late := client.Impact(context.Background(), req)
	if f := late.ImpactStart; !f.Measured || math.Abs(f.At.Sub(t1).Seconds()) > 2 {
		t.Errorf("ImpactStart = %+v, want %v ± 2s", f, t1)
	}
	detect := hindsight.ComputeResponseTimes(&hindsight.Incident{StartedAt: req.Start},
		[]hindsight.TimelineEvent{{Type: hindsight.EventAlertFired, Time: req.Start}}, late.ImpactStart).Detect
	within(t, "TimeToDetect", detect, 10.0/60, 2.0/60)
}

// waitForScrapes waits until Prometheus has scraped the exporter n times.
func waitForScrapes(t *testing.T, e *testenv.Exporter, n uint64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for e.Totals().Scrapes < n {
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus scraped the exporter %d times in 30s, want %d", e.Totals().Scrapes, n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// within fails the test unless f is measured and within tol of want.
func within(t *testing.T, name string, f hindsight.Figure, want, tol float64) {
	t.Helper()
	if !f.Measured || math.Abs(f.Value-want) > tol {
		t.Errorf("%s = %s (%v), want %v ± %v", name, f, f.Value, want, tol)
	}
}
