package hindsight_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// TestComputeImpact_FiguresAgree checks that the figures of one incident do
// not contradict each other: the event-based budget says how much of the
// window it was computed over, the remaining budget follows the downtime
// shown, coverage notes appear only for real gaps, and an unconfigured
// freshness query reads "not configured".
func TestComputeImpact_FiguresAgree(t *testing.T) {
	window := 30 * 24 * time.Hour
	tests := []struct {
		name  string
		build func() hindsight.Measurements
		check func(t *testing.T, imp hindsight.Impact)
	}{
		{"WindowLongerThanDataHeld", func() hindsight.Measurements {
			m := baseline()
			// Prometheus holds two days: the window series starts there.
			held := 48 * time.Hour
			m.WindowErrorRatio.Samples = series(m.End.Add(-held).Add(step), repeat(0, int(held/step))...)
			// rate(x[30d]) divides the two days' requests by 30 days.
			m.WindowRequests.Value = 1e6 / window.Seconds()
			return m
		}, func(t *testing.T, imp hindsight.Impact) {
			f := imp.ErrorBudgetConsumed
			if !f.Measured || f.Held != 48*time.Hour {
				t.Fatalf("ErrorBudgetConsumed = %+v, want measured with Held 48h", f)
			}
			want := "computed over the 2 days of the 30-day SLO window that Prometheus holds"
			if !strings.Contains(f.Note, want) {
				t.Errorf("ErrorBudgetConsumed.Note = %q, want %q", f.Note, want)
			}
			if !f.Start.Equal(imp.End.Add(-48 * time.Hour)) {
				t.Errorf("ErrorBudgetConsumed.Start = %s, want two days before the end", f.Start)
			}
		}},
		{"WholeWindowHeld", func() hindsight.Measurements { return baseline() }, func(t *testing.T, imp hindsight.Impact) {
			if f := imp.ErrorBudgetConsumed; f.Held != 0 || strings.Contains(f.Note, "computed over") {
				t.Errorf("ErrorBudgetConsumed = %+v, want no held note for a full window", f)
			}
		}},
		{"OneMinuteOfDowntime", func() hindsight.Measurements {
			m := baseline()
			m.Start, m.End = t0, t0.Add(5*time.Minute)
			// Four 15 s steps (one minute) above 0.1%, the rest within.
			m.ErrorRatio.Samples = series(t0.Add(step), append(repeat(0.5, 4), repeat(0, 16)...)...)
			// The window query at a 5-minute step sees one step above.
			ws := 5 * time.Minute
			var w []hindsight.Sample
			for t := m.End.Add(-window).Add(ws); !t.After(m.End); t = t.Add(ws) {
				w = append(w, hindsight.Sample{T: t, V: 0})
			}
			w[len(w)-1].V = 0.2
			m.WindowErrorRatio = hindsight.Series{Samples: w, Query: "ratio", Step: ws}
			return m
		}, func(t *testing.T, imp hindsight.Impact) {
			if f := imp.Downtime; !f.Measured || f.Value != 1 {
				t.Fatalf("Downtime = %+v, want 1 minute", f)
			}
			if f := imp.BudgetRemaining; !f.Measured || math.Abs(f.Value-42.2) > 1e-9 {
				t.Errorf("BudgetRemaining = %+v, want 42.2 minutes (43.2 less the 1 minute shown)", f)
			}
			if f := imp.BudgetConsumed; math.Abs(f.Value-100/43.2) > 1e-9 {
				t.Errorf("BudgetConsumed = %+v, want 1/43.2", f)
			}
		}},
		{"EarlierDowntimeInWindowCounts", func() hindsight.Measurements {
			m := baseline()
			ws := 5 * time.Minute
			var w []hindsight.Sample
			for t := m.End.Add(-window).Add(ws); !t.After(m.End); t = t.Add(ws) {
				w = append(w, hindsight.Sample{T: t, V: 0})
			}
			w[100].V = 0.5 // one 5-minute step above, days before the incident
			m.WindowErrorRatio = hindsight.Series{Samples: w, Query: "ratio", Step: ws}
			return m
		}, func(t *testing.T, imp hindsight.Impact) {
			// 43.2 − 5 (earlier) − 10 (the incident's downtime).
			if f := imp.BudgetRemaining; !f.Measured || math.Abs(f.Value-28.2) > 1e-9 {
				t.Errorf("BudgetRemaining = %+v, want 28.2", f)
			}
		}},
		{"ScrapeAtStepIsNoGap", func() hindsight.Measurements {
			m := baseline()
			// An incident that starts and ends between steps: the samples
			// are 15 s apart, aligned to the query start, not to the alert.
			m.Start, m.End = t0.Add(7*time.Second), t0.Add(3*time.Minute+22*time.Second)
			m.ErrorRatio.Samples = series(t0.Add(-2*time.Minute), repeat(0.02, 22)...)
			m.LatencyP95.Samples = series(t0.Add(step), repeat(0.2, 13)...)
			m.LatencyP99.Samples = series(t0.Add(step), repeat(0.3, 13)...)
			m.Freshness.Samples = series(t0.Add(step), repeat(30, 13)...)
			ws := 5 * time.Minute
			var w []hindsight.Sample
			for t := m.End.Add(-window).Add(ws); !t.After(m.End); t = t.Add(ws) {
				w = append(w, hindsight.Sample{T: t, V: 0})
			}
			m.WindowErrorRatio = hindsight.Series{Samples: w, Query: "ratio", Step: ws}
			return m
		}, func(t *testing.T, imp hindsight.Impact) {
			for _, f := range imp.Figures() {
				if strings.Contains(f.Figure.Note, "gaps") || strings.Contains(f.Figure.Note, "covers") {
					t.Errorf("%s has a coverage note %q for a healthy 15 s scrape at a 15 s step", f.Name, f.Figure.Note)
				}
			}
		}},
		{"RealGapIsNoted", func() hindsight.Measurements {
			m := baseline()
			s := m.ErrorRatio.Samples
			m.ErrorRatio.Samples = append(append([]hindsight.Sample{}, s[:20]...), s[30:]...)
			return m
		}, func(t *testing.T, imp hindsight.Impact) {
			if !strings.Contains(imp.Downtime.Note, "data covers 75% of the range") {
				t.Errorf("Downtime.Note = %q, want a 75%% coverage note", imp.Downtime.Note)
			}
		}},
		{"FreshnessNotConfigured", func() hindsight.Measurements {
			m := baseline()
			m.Freshness = hindsight.Series{Reason: hindsight.ReasonNoQuery}
			return m
		}, func(t *testing.T, imp hindsight.Impact) {
			if got := imp.MaxStaleness.String(); got != "not configured" {
				t.Errorf("MaxStaleness = %q, want \"not configured\"", got)
			}
		}},
		{"FreshnessConfiguredWithoutData", func() hindsight.Measurements {
			m := baseline()
			m.Freshness = hindsight.Series{Query: "fresh", Step: step, Reason: "no data: the query matched no series"}
			return m
		}, func(t *testing.T, imp hindsight.Impact) {
			if got := imp.MaxStaleness.String(); !strings.HasPrefix(got, "not measured: no data") {
				t.Errorf("MaxStaleness = %q, want \"not measured: no data…\"", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, hindsight.ComputeImpact(tt.build())) })
	}
}
