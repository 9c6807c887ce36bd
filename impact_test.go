package hindsight_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var (
	t0   = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	step = 15 * time.Second
	nan  = math.NaN()
)

// series returns samples one step apart, the first at start.
func series(start time.Time, values ...float64) []hindsight.Sample {
	out := make([]hindsight.Sample, len(values))
	for i, v := range values {
		out[i] = hindsight.Sample{T: start.Add(time.Duration(i) * step), V: v}
	}
	return out
}

// repeat returns n copies of v.
func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// baseline is an incident from t0 to t0+10m: one minute of 5% errors before
// the alert, then ten minutes of 2% errors, at 100 requests per second, in
// a 30-day window that saw 1,000,000 requests.
func baseline() hindsight.Measurements {
	end := t0.Add(10 * time.Minute)
	ratio := append(append(repeat(0, 4), repeat(0.05, 5)...), repeat(0.02, 40)...)
	window := 30 * 24 * time.Hour
	return hindsight.Measurements{
		Start: t0, End: end, Targets: hindsight.DefaultSLOTargets(),
		ErrorRatio:         hindsight.Series{Samples: series(t0.Add(-2*time.Minute), ratio...), Query: "ratio", Step: step},
		LatencyP95:         hindsight.Series{Samples: series(t0, 0.2, 0.45, 0.3), Query: "p95", Step: step},
		LatencyP99:         hindsight.Series{Samples: series(t0, 0.4, 0.9, 0.6), Query: "p99", Step: step},
		Freshness:          hindsight.Series{Samples: series(t0, 60, 600, 120), Query: "fresh", Step: step},
		IncidentErrorRatio: hindsight.Scalar{Value: 0.02, Query: "ratio[10m]", At: end, Range: 10 * time.Minute},
		IncidentRequests:   hindsight.Scalar{Value: 100, Query: "rate[10m]", At: end, Range: 10 * time.Minute},
		WindowRequests:     hindsight.Scalar{Value: 1e6 / window.Seconds(), Query: "rate[30d]", At: end, Range: window},
		WindowErrorRatio: hindsight.Series{
			Samples: series(end.Add(-window).Add(step), repeat(0, int(window/step)-40)...), Query: "ratio", Step: step},
	}
}

func TestComputeImpact(t *testing.T) {
	m := baseline()
	// The window series ends with the incident's 40 steps above objective.
	m.WindowErrorRatio.Samples = append(m.WindowErrorRatio.Samples, series(m.End.Add(-10*time.Minute+step), repeat(0.02, 40)...)...)
	imp := hindsight.ComputeImpact(m)
	for _, c := range []struct {
		name string
		got  hindsight.Figure
		want float64
	}{
		{"Availability", imp.Availability, 98},
		{"PeakErrorRate", imp.PeakErrorRate, 2},
		{"LatencyP95", imp.LatencyP95, 450},
		{"LatencyP99", imp.LatencyP99, 900},
		{"MaxStaleness", imp.MaxStaleness, 10},
		{"MonthlyBudget", imp.MonthlyBudget, 43.2},
		{"Downtime", imp.Downtime, 10},
		{"BudgetConsumed", imp.BudgetConsumed, 100 * 10 / 43.2},
		{"BudgetRemaining", imp.BudgetRemaining, 33.2},
		// 2% of 60,000 requests = 1,200 errors; 0.1% of 1,000,000 = 1,000 allowed.
		{"ErrorBudgetConsumed", imp.ErrorBudgetConsumed, 120},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.got.Measured || math.Abs(c.got.Value-c.want) > 1e-6 {
				t.Errorf("%s = %+v, want measured %v", c.name, c.got, c.want)
			}
			if c.name != "MonthlyBudget" && (c.got.Query == "" || c.got.End.IsZero()) {
				t.Errorf("%s has no source: %+v", c.name, c.got)
			}
		})
	}
	if want := t0.Add(-time.Minute); !imp.ImpactStart.Measured || !imp.ImpactStart.At.Equal(want) {
		t.Errorf("ImpactStart = %+v, want %v", imp.ImpactStart, want)
	}
	if want := t0.Add(15 * time.Second); !imp.LatencyP95.At.Equal(want) {
		t.Errorf("LatencyP95.At = %v, want %v", imp.LatencyP95.At, want)
	}
}

// TestComputeImpact_NotMeasured covers the hard cases: each names the figures
// it must leave "not measured" with a reason, and those that stay measured.
func TestComputeImpact_NotMeasured(t *testing.T) {
	tests := []struct {
		name     string
		change   func(m *hindsight.Measurements)
		reasons  map[string]string // figure → part of its reason
		measured []string
	}{
		{
			name: "ZeroTraffic",
			change: func(m *hindsight.Measurements) {
				m.IncidentRequests.Value = 0
				m.IncidentErrorRatio.Value = nan
				m.ErrorRatio.Samples = series(m.Start.Add(-2*time.Minute), repeat(nan, 49)...)
			},
			reasons: map[string]string{
				"Availability": "no requests during the incident", "PeakErrorRate": "no requests during the incident",
				"Downtime": "no error ratio data", "ImpactStart": "no error ratio data before the alert",
			},
			measured: []string{"ErrorBudgetConsumed", "LatencyP95", "MonthlyBudget"},
		},
		{
			name: "NoSamples",
			change: func(m *hindsight.Measurements) {
				m.LatencyP95.Samples, m.Freshness.Samples = nil, nil
				m.WindowErrorRatio.Samples = nil
			},
			reasons: map[string]string{
				"LatencyP95": "no data over the incident", "MaxStaleness": "no data over the incident",
				"BudgetRemaining": "no error ratio data",
			},
			measured: []string{"Availability", "LatencyP99", "Downtime", "BudgetConsumed"},
		},
		{
			name: "NaNAndInf",
			change: func(m *hindsight.Measurements) {
				m.LatencyP99.Samples = series(m.Start, nan, math.Inf(1), nan)
				m.LatencyP95.Samples = series(m.Start, nan, 0.3, math.Inf(-1))
				m.IncidentErrorRatio.Value = nan
			},
			reasons: map[string]string{
				"LatencyP99": "only NaN or infinite", "Availability": "returned NaN",
				"ErrorBudgetConsumed": "returned NaN",
			},
			measured: []string{"LatencyP95", "PeakErrorRate"},
		},
		{
			name: "QueryFailed",
			change: func(m *hindsight.Measurements) {
				m.ErrorRatio = hindsight.Series{Reason: "Prometheus unreachable"}
				m.WindowRequests = hindsight.Scalar{Reason: "Prometheus did not answer within 10s"}
			},
			reasons: map[string]string{
				"PeakErrorRate": "Prometheus unreachable", "Downtime": "Prometheus unreachable",
				"BudgetConsumed": "Prometheus unreachable", "ImpactStart": "Prometheus unreachable",
				"ErrorBudgetConsumed": "did not answer within 10s",
			},
			measured: []string{"Availability", "LatencyP95", "BudgetRemaining", "MonthlyBudget"},
		},
		{
			name: "Objective100",
			change: func(m *hindsight.Measurements) {
				m.Targets.Availability = 100
			},
			reasons: map[string]string{
				"MonthlyBudget": "objective is 100%, no error budget", "BudgetConsumed": "objective is 100%",
				"BudgetRemaining": "objective is 100%", "ErrorBudgetConsumed": "objective is 100%, no error budget",
			},
			measured: []string{"Availability", "Downtime", "PeakErrorRate"},
		},
		{
			name: "NoWindowTraffic",
			change: func(m *hindsight.Measurements) {
				m.WindowRequests.Value = 0
			},
			reasons:  map[string]string{"ErrorBudgetConsumed": "no requests in the SLO window"},
			measured: []string{"Availability", "BudgetRemaining"},
		},
		{
			name: "NoBreachBeforeAlert",
			change: func(m *hindsight.Measurements) {
				m.ErrorRatio.Samples = series(m.Start.Add(-2*time.Minute), repeat(0, 49)...)
			},
			reasons:  map[string]string{"ImpactStart": "within its objective when the alert fired"},
			measured: []string{"PeakErrorRate", "Downtime"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := baseline()
			tt.change(&m)
			figs := figures(hindsight.ComputeImpact(m))
			for name, want := range tt.reasons {
				f := figs[name]
				if f.Measured || !strings.HasPrefix(f.Reason, "not measured: ") || !strings.Contains(f.Reason, want) {
					t.Errorf("%s = %+v, want not measured: …%s…", name, f, want)
				}
				if f.String() != f.Reason {
					t.Errorf("%s.String() = %q, want its reason", name, f.String())
				}
			}
			for _, name := range tt.measured {
				if f := figs[name]; !f.Measured {
					t.Errorf("%s = %+v, want measured", name, f)
				}
			}
		})
	}
}

func figures(imp hindsight.Impact) map[string]hindsight.Figure {
	return map[string]hindsight.Figure{
		"Availability": imp.Availability, "PeakErrorRate": imp.PeakErrorRate,
		"LatencyP95": imp.LatencyP95, "LatencyP99": imp.LatencyP99, "MaxStaleness": imp.MaxStaleness,
		"MonthlyBudget": imp.MonthlyBudget, "Downtime": imp.Downtime, "BudgetConsumed": imp.BudgetConsumed,
		"BudgetRemaining": imp.BudgetRemaining, "ErrorBudgetConsumed": imp.ErrorBudgetConsumed,
		"ImpactStart": imp.ImpactStart,
	}
}

// TestComputeImpact_Gaps checks that missing samples count as unknown, not as
// downtime, and that the figure says how much of the range had data.
func TestComputeImpact_Gaps(t *testing.T) {
	m := baseline()
	// Keep the first and last ten steps of the incident: half of it.
	s := m.ErrorRatio.Samples
	m.ErrorRatio.Samples = append(append([]hindsight.Sample{}, s[:19]...), s[39:]...)
	imp := hindsight.ComputeImpact(m)
	if !imp.Downtime.Measured || imp.Downtime.Value != 5 {
		t.Errorf("Downtime = %+v, want 5 minutes", imp.Downtime)
	}
	if !strings.Contains(imp.Downtime.Note, "data covers 50% of the range") {
		t.Errorf("Downtime.Note = %q, want a coverage note", imp.Downtime.Note)
	}
}

// TestComputeImpact_PartialWindow checks a window only partly in Prometheus
// (retention shorter than the SLO window): the remaining budget counts the
// downtime it saw before the incident, and the incident's own downtime (10
// minutes) as the document shows it, and says how much of the window that was.
func TestComputeImpact_PartialWindow(t *testing.T) {
	m := baseline()
	m.WindowErrorRatio.Samples = series(m.End.Add(-3*24*time.Hour+step), repeat(0, int(3*24*time.Hour/step))...)
	imp := hindsight.ComputeImpact(m)
	if f := imp.BudgetRemaining; !f.Measured || math.Abs(f.Value-33.2) > 1e-9 || !strings.Contains(f.Note, "data covers 10% of the range") {
		t.Errorf("BudgetRemaining = %+v (note %q), want 33.2 with a 10%% coverage note", f, f.Note)
	}
}

func TestBreachStart(t *testing.T) {
	alert := t0
	tests := []struct {
		name   string
		s      []hindsight.Sample
		want   time.Time
		reason string
	}{
		{"RunBeforeAlert", series(t0.Add(-4*step), 0, 0.5, 0.5, 0.5, 0.5), t0.Add(-3 * step), ""},
		{"RunFromFirstSample", series(t0.Add(-2*step), 0.5, 0.5, 0.5), t0.Add(-2 * step), ""},
		{"GapStopsRun", append(series(t0.Add(-9*step), 0.5, 0.5), series(t0.Add(-step), 0.5, 0.5)...), t0.Add(-step), ""},
		{"WithinObjective", series(t0.Add(-2*step), 0.5, 0, 0), time.Time{}, "within its objective"},
		{"NoDataNearAlert", series(t0.Add(-10*step), 0.5, 0.5), time.Time{}, "no error ratio data just before"},
		{"Empty", nil, time.Time{}, "no error ratio data before the alert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := hindsight.BreachStart(tt.s, 0.001, step, alert)
			if !got.Equal(tt.want) || !strings.Contains(reason, tt.reason) || (tt.reason == "") != (reason == "") {
				t.Errorf("BreachStart = %v, %q; want %v, %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestWithin(t *testing.T) {
	s := series(t0, 1, nan, 3, math.Inf(1), 5)
	in, dropped := hindsight.Within(s, t0, t0.Add(3*step))
	if len(in) != 1 || in[0].V != 3 || dropped != 2 {
		t.Errorf("Within = %v, %d dropped; want [3], 2 dropped (start excluded, end included)", in, dropped)
	}
}

func TestFigure_String(t *testing.T) {
	tests := []struct {
		name string
		f    hindsight.Figure
		want string
	}{
		{"Percent", hindsight.Figure{Value: 99.95123, Unit: hindsight.UnitPercent, Measured: true}, "99.95%"},
		{"Milliseconds", hindsight.Figure{Value: 450, Unit: hindsight.UnitMilliseconds, Measured: true}, "450 ms"},
		{"Minutes", hindsight.Figure{Value: 43.2, Unit: hindsight.UnitMinutes, Measured: true}, "43 minutes 12 seconds"},
		{"Time", hindsight.Figure{Unit: hindsight.UnitTime, Measured: true, At: t0}, "2025-09-30 00:24:00 UTC"},
		{"NotMeasured", hindsight.NotMeasured(hindsight.UnitPercent, "no data"), "not measured: no data"},
		{"NotMeasuredOnce", hindsight.NotMeasured(hindsight.UnitPercent, "not measured: no data"), "not measured: no data"},
		{"Zero", hindsight.Figure{}, "not measured: no data"},
		{"NegativeZero", hindsight.Figure{Value: -0.0001, Unit: hindsight.UnitMinutes, Measured: true}, "0 seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// BenchmarkComputeImpact computes a 24-hour incident at a 15-second step
// (5,760 samples per series, the error ratio with an hour of lookback) and
// a 30-day window series at 5 minutes, with Prometheus's time left out.
func BenchmarkComputeImpact(b *testing.B) {
	const n = 24 * 60 * 4
	start := t0
	end := start.Add(24 * time.Hour)
	wave := func(k int, base, amp float64) []float64 {
		out := make([]float64, k)
		for i := range out {
			out[i] = base + amp*math.Sin(float64(i)/40)
		}
		return out
	}
	window := 30 * 24 * time.Hour
	m := hindsight.Measurements{
		Start: start, End: end, Targets: hindsight.DefaultSLOTargets(),
		ErrorRatio:         hindsight.Series{Samples: series(start.Add(-time.Hour), wave(n+240, 0.002, 0.002)...), Step: step},
		LatencyP95:         hindsight.Series{Samples: series(start, wave(n, 0.3, 0.1)...), Step: step},
		LatencyP99:         hindsight.Series{Samples: series(start, wave(n, 0.6, 0.2)...), Step: step},
		Freshness:          hindsight.Series{Samples: series(start, wave(n, 600, 300)...), Step: step},
		IncidentErrorRatio: hindsight.Scalar{Value: 0.002, At: end, Range: 24 * time.Hour},
		IncidentRequests:   hindsight.Scalar{Value: 100, At: end, Range: 24 * time.Hour},
		WindowRequests:     hindsight.Scalar{Value: 100, At: end, Range: window},
		WindowErrorRatio:   hindsight.Series{Step: 5 * time.Minute},
	}
	for i, v := range wave(8640, 0.001, 0.001) {
		m.WindowErrorRatio.Samples = append(m.WindowErrorRatio.Samples,
			hindsight.Sample{T: end.Add(-window + time.Duration(i+1)*5*time.Minute), V: v})
	}
	b.ReportAllocs()
	for b.Loop() {
		hindsight.ComputeImpact(m)
	}
}
