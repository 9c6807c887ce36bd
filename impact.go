package hindsight

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Unit says what a Figure's value counts, in the unit the document shows.
type Unit string

// Units of impact figures.
const (
	UnitPercent      Unit = "%"
	UnitMilliseconds Unit = "ms"
	UnitMinutes      Unit = "minutes"
	// UnitTime marks a figure that is an instant: its value is in At.
	UnitTime Unit = "time"
)

// notMeasured prefixes the reason of every figure that could not be measured.
const notMeasured = "not measured: "

// Figure is one measured number of a post-mortem, or the reason it could not
// be measured. A measured figure carries its source (the PromQL query and the
// time range it covered) so that a reviewer can check it.
type Figure struct {
	Value    float64 `json:"value"`
	Unit     Unit    `json:"unit"`
	Measured bool    `json:"measured"`
	// Reason reads "not measured: <reason>" when Measured is false.
	Reason string `json:"reason,omitempty"`
	// Transient says that the failure Reason names may clear on its own
	// (Prometheus unreachable, too slow, a server error): measuring again
	// later may succeed.
	Transient bool `json:"transient,omitempty"`
	// Query is the PromQL behind the figure; a figure computed from several
	// queries lists them separated by "; ".
	Query string `json:"query,omitempty"`
	// Start and End are the time range the figure covers.
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
	// Step is the resolution of a range query; zero for an instant query.
	Step time.Duration `json:"step,omitempty"`
	// At is when a peak occurred, or the instant a UnitTime figure names.
	At time.Time `json:"at,omitzero"`
	// Note qualifies a measured figure: partial data, gaps, warnings.
	Note string `json:"note,omitempty"`
	// Held is how much of the range the source actually held data for,
	// when less than all of it (Prometheus's retention shorter than the SLO
	// window); zero when the data covered the whole range.
	Held time.Duration `json:"held,omitempty"`
}

// ReasonNotConfigured is the whole text of a figure whose query is not
// configured: a figure nobody asked for is not "not measured".
const ReasonNotConfigured = "not configured"

// ReasonNoQuery is the reason a query gives when it is empty in the
// configuration.
const ReasonNoQuery = "no query is configured for this figure"

// NotConfigured returns a figure that reads "not configured".
func NotConfigured(unit Unit) Figure {
	return Figure{Unit: unit, Reason: ReasonNotConfigured}
}

// NotMeasured returns a figure that says why it could not be measured.
func NotMeasured(unit Unit, reason string) Figure {
	return Figure{Unit: unit, Reason: notMeasured + strings.TrimPrefix(reason, notMeasured)}
}

// String returns the value rounded for people with its unit ("99.95%",
// "120 ms", "2.39 s", "12 minutes 30 seconds", "2025-09-30 00:24:00 UTC"),
// or the figure's "not measured: …" reason. Value keeps full precision.
func (f Figure) String() string {
	if !f.Measured {
		if f.Reason == "" {
			return notMeasured + "no data"
		}
		return f.Reason
	}
	switch f.Unit {
	case UnitTime:
		return f.At.UTC().Format("2006-01-02 15:04:05 UTC")
	case UnitPercent:
		return FormatPercent(f.Value)
	case UnitMilliseconds:
		return FormatLatency(f.Value)
	case UnitMinutes:
		return FormatMinutes(f.Value)
	}
	return FormatNumber(f.Value) + " " + string(f.Unit)
}

// FormatNumber writes v with at most three decimals and no trailing zeros:
// 99.9512 is "99.951", 43.2 is "43.2", 80 is "80".
func FormatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Round(v*1000)/1000, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// Impact is what an incident cost, measured against the service's objectives.
type Impact struct {
	// Start and End are the incident window the figures cover.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Step is the resolution of the range queries over the window.
	Step    time.Duration `json:"step"`
	Targets SLOTargets    `json:"targets"`

	// Availability is the share of successful requests over the incident, %.
	Availability Figure `json:"availability"`
	// PeakErrorRate is the highest error ratio of any step, %.
	PeakErrorRate Figure `json:"peak_error_rate"`
	// LatencyP95 and LatencyP99 are the highest quantiles of any step, ms.
	LatencyP95 Figure `json:"latency_p95"`
	LatencyP99 Figure `json:"latency_p99"`
	// MaxStaleness is the oldest the newest data got, minutes.
	MaxStaleness Figure `json:"max_staleness"`

	// MonthlyBudget is the time-based error budget of the SLO window, minutes.
	MonthlyBudget Figure `json:"monthly_budget"`
	// Downtime is the time the error ratio spent above its objective, minutes.
	Downtime Figure `json:"downtime"`
	// BudgetConsumed is Downtime as a share of MonthlyBudget, %.
	BudgetConsumed Figure `json:"budget_consumed"`
	// BudgetRemaining is MonthlyBudget less the downtime of the whole SLO
	// window ending with the incident, minutes; negative when overspent.
	BudgetRemaining Figure `json:"budget_remaining"`
	// ErrorBudgetConsumed is the event-based budget: errors during the
	// incident over the errors the objective allows in the window, %.
	ErrorBudgetConsumed Figure `json:"error_budget_consumed"`
	// ImpactStart is when the error ratio began to breach its objective
	// before the alert fired (UnitTime, in At).
	ImpactStart Figure `json:"impact_start"`

	// Graphs are the SLI series around the incident, frozen when measured.
	Graphs []Graph `json:"graphs,omitempty"`
	// Marks are the instants every graph marks (alert, acknowledgement,
	// mitigation, resolution).
	Marks []GraphMark `json:"marks,omitempty"`
	// GraphsUntil is the end of the graphs' window when it reached past
	// the time they were fetched (the margin after the resolution): the
	// measurement is repeated once that time has passed. Zero when the
	// graphs are complete.
	GraphsUntil time.Time `json:"graphs_until,omitzero"`
	// Links are links computed for the incident's window when it was
	// measured: the dashboard and logs with their time range set.
	Links []Field `json:"links,omitempty"`
	// PrometheusURL is the Prometheus address people open from a figure's
	// footnote; "" when unknown.
	PrometheusURL string `json:"prometheus_url,omitempty"`
}

// Series is the answer to one range query, or the reason there is none.
type Series struct {
	Samples []Sample
	Query   string
	Step    time.Duration
	// Reason is why the query gave no answer ("Prometheus unreachable: …"),
	// and Transient whether that may clear on its own.
	Reason    string
	Transient bool
	// Note carries query warnings on to the figures that use the series.
	Note string
}

// notMeasured is the figure of a series whose query failed.
func (s Series) notMeasured(unit Unit) Figure { return failed(unit, s.Reason, s.Transient) }

// Sample is one point of a series.
type Sample struct {
	T time.Time
	V float64
}

// Scalar is the answer to one instant query, or the reason there is none.
type Scalar struct {
	Value float64
	Query string
	// At is the evaluation time and Range the range the query's rate()
	// covered, ending at At.
	At    time.Time
	Range time.Duration
	// Reason is why the query gave no answer, and Transient whether that
	// may clear on its own.
	Reason    string
	Transient bool
	Note      string
}

// notMeasured is the figure of a scalar whose query failed.
func (s Scalar) notMeasured(unit Unit) Figure { return failed(unit, s.Reason, s.Transient) }

// notMeasured is a figure in unit that is not measured for f's reason: one
// computed from f.
func (f Figure) notMeasured(unit Unit) Figure { return failed(unit, f.Reason, f.Transient) }

// failed is NotMeasured, keeping whether the failure is transient.
func failed(unit Unit, reason string, transient bool) Figure {
	f := NotMeasured(unit, reason)
	f.Transient = transient
	return f
}

// Measurements are the query answers an Impact is computed from. Range
// series are ratios (0 to 1) and seconds, as the queries return them.
type Measurements struct {
	// Start is when the alert fired, End when the incident resolved.
	Start, End time.Time
	Targets    SLOTargets
	// ErrorRatio covers [Start − lookback, End], so that the impact start
	// before the alert can be found; the others cover [Start, End].
	ErrorRatio, LatencyP95, LatencyP99, Freshness Series
	// IncidentErrorRatio and IncidentRequests are evaluated at End over
	// the incident ([Start, End]); WindowRequests over the SLO window.
	IncidentErrorRatio, IncidentRequests, WindowRequests Scalar
	// WindowErrorRatio is a range query over [End − window, End].
	WindowErrorRatio Series
}

// ComputeImpact turns query answers into figures. It never fails: a figure
// whose inputs are missing or unusable says why it is not measured.
func ComputeImpact(m Measurements) Impact {
	imp := Impact{Start: m.Start, End: m.End, Step: m.ErrorRatio.Step, Targets: m.Targets}
	noTraffic := m.IncidentRequests.Reason == "" && m.IncidentRequests.Value == 0
	imp.Availability = availability(m)
	imp.PeakErrorRate = peakFigure(m.ErrorRatio, m.Start, m.End, 100, UnitPercent)
	if !imp.PeakErrorRate.Measured && noTraffic {
		imp.PeakErrorRate = NotMeasured(UnitPercent, "no requests during the incident")
	}
	imp.LatencyP95 = peakFigure(m.LatencyP95, m.Start, m.End, 1000, UnitMilliseconds)
	imp.LatencyP99 = peakFigure(m.LatencyP99, m.Start, m.End, 1000, UnitMilliseconds)
	imp.MaxStaleness = peakFigure(m.Freshness, m.Start, m.End, 1.0/60, UnitMinutes)
	if m.Freshness.Reason == ReasonNoQuery {
		imp.MaxStaleness = NotConfigured(UnitMinutes)
	}
	imp.MonthlyBudget = monthlyBudget(m.Targets)
	imp.Downtime = downtime(m.ErrorRatio, m.Targets.ErrorRate, m.Start, m.End)
	imp.BudgetConsumed = budgetConsumed(imp.Downtime, imp.MonthlyBudget)
	imp.BudgetRemaining = budgetRemaining(m, imp.MonthlyBudget, imp.Downtime)
	imp.ErrorBudgetConsumed = eventBudget(m)
	imp.ImpactStart = impactStart(m.ErrorRatio, m.Targets.ErrorRate, m.Start)
	return imp
}

// availability is 100 × (1 − error ratio over the incident).
func availability(m Measurements) Figure {
	r, n := m.IncidentErrorRatio, m.IncidentRequests
	if n.Reason == "" && n.Value == 0 {
		return NotMeasured(UnitPercent, "no requests during the incident")
	}
	if r.Reason != "" {
		return r.notMeasured(UnitPercent)
	}
	if !finite(r.Value) {
		return NotMeasured(UnitPercent, "the error ratio query returned "+FormatNumber(r.Value))
	}
	f := fromScalar(r, 100*(1-clamp01(r.Value)), UnitPercent)
	return f
}

// fromScalar builds a measured figure whose source is an instant query.
func fromScalar(s Scalar, v float64, unit Unit) Figure {
	return Figure{Value: v, Unit: unit, Measured: true, Query: s.Query,
		Start: s.At.Add(-s.Range), End: s.At, Note: s.Note}
}

// peakFigure is the largest finite sample of s in [start, end], times scale.
func peakFigure(s Series, start, end time.Time, scale float64, unit Unit) Figure {
	if s.Reason != "" {
		return s.notMeasured(unit)
	}
	in, dropped := Within(s.Samples, start, end)
	peak, ok := Peak(in)
	if !ok {
		if dropped > 0 {
			return NotMeasured(unit, "the query returned only NaN or infinite values over the incident")
		}
		return NotMeasured(unit, "no data over the incident")
	}
	return Figure{Value: peak.V * scale, Unit: unit, Measured: true, Query: s.Query,
		Start: start, End: end, Step: s.Step, At: peak.T,
		Note: joinNotes(s.Note, coverageNote(in, s.Step, start, end))}
}

// monthlyBudget is (100 − availability)% of the SLO window, in minutes.
func monthlyBudget(t SLOTargets) Figure {
	switch {
	case t.Window <= 0:
		return NotMeasured(UnitMinutes, "no SLO window is configured")
	case t.Availability >= 100:
		return NotMeasured(UnitMinutes, "objective is 100%, no error budget")
	}
	return Figure{Value: t.BudgetMinutes(), Unit: UnitMinutes, Measured: true}
}

// downtime is the time the error ratio spent above its objective.
func downtime(s Series, objective float64, start, end time.Time) Figure {
	if s.Reason != "" {
		return s.notMeasured(UnitMinutes)
	}
	in, _ := Within(s.Samples, start, end)
	if len(in) == 0 {
		return NotMeasured(UnitMinutes, "no error ratio data over the incident")
	}
	d := TimeAbove(in, objective/100, s.Step)
	return Figure{Value: d.Minutes(), Unit: UnitMinutes, Measured: true, Query: s.Query,
		Start: start, End: end, Step: s.Step,
		Note: joinNotes(s.Note, coverageNote(in, s.Step, start, end))}
}

// budgetConsumed is downtime as a share of the monthly budget.
func budgetConsumed(down, budget Figure) Figure {
	if !budget.Measured {
		return budget.notMeasured(UnitPercent)
	}
	if !down.Measured {
		return down.notMeasured(UnitPercent)
	}
	f := down
	f.Unit, f.Value = UnitPercent, 100*down.Value/budget.Value
	return f
}

// budgetRemaining is the monthly budget less the downtime of the window:
// the window query's downtime before the incident, at the window's step,
// plus the incident's own downtime at the incident's step, so that the
// remaining budget agrees with the downtime the document shows (a one-minute
// breach costs one minute, not one five-minute window step).
func budgetRemaining(m Measurements, budget, down Figure) Figure {
	if !budget.Measured {
		return budget.notMeasured(UnitMinutes)
	}
	s := m.WindowErrorRatio
	if s.Reason != "" {
		return s.notMeasured(UnitMinutes)
	}
	start := m.End.Add(-m.Targets.Window)
	before, _ := Within(s.Samples, start, m.Start)
	during, _ := Within(s.Samples, m.Start, m.End)
	if len(before)+len(during) == 0 {
		return NotMeasured(UnitMinutes, "no error ratio data over the SLO window")
	}
	objective := m.Targets.ErrorRate / 100
	spent := TimeAbove(before, objective, s.Step)
	note := coverageNote(append(before, during...), s.Step, start, m.End)
	if down.Measured {
		spent += time.Duration(down.Value * float64(time.Minute))
		// The incident's part of the window is covered by the downtime
		// figure; only the data before it can be missing.
		missing := (1 - Coverage(before, s.Step, start, m.Start)) * float64(m.Start.Sub(start))
		note = joinNotes(coverageText(1-missing/float64(m.End.Sub(start))), down.Note)
	} else {
		spent += TimeAbove(during, objective, s.Step)
	}
	return Figure{Value: budget.Value - spent.Minutes(), Unit: UnitMinutes, Measured: true, Query: s.Query,
		Start: start, End: m.End, Step: s.Step, Note: joinNotes(s.Note, note)}
}

// eventBudget is errors during the incident ÷ ((1 − objective) × requests in
// the SLO window), the ratio Sloth and Pyrra report as budget consumed.
func eventBudget(m Measurements) Figure {
	obj := m.Targets.Availability / 100
	if obj >= 1 {
		return NotMeasured(UnitPercent, "objective is 100%, no error budget")
	}
	for _, s := range []Scalar{m.IncidentErrorRatio, m.IncidentRequests, m.WindowRequests} {
		if s.Reason != "" {
			return s.notMeasured(UnitPercent)
		}
	}
	incRate, winRate := m.IncidentRequests.Value, m.WindowRequests.Value
	if !finite(incRate) || !finite(winRate) || incRate < 0 || winRate < 0 {
		return NotMeasured(UnitPercent, "the request rate query returned no usable number")
	}
	if winRate == 0 {
		return NotMeasured(UnitPercent, "no requests in the SLO window")
	}
	ratio := m.IncidentErrorRatio.Value
	if !finite(ratio) {
		if incRate != 0 {
			return NotMeasured(UnitPercent, "the error ratio query returned "+FormatNumber(ratio))
		}
		ratio = 0 // no requests, so no errors
	}
	errs := clamp01(ratio) * incRate * m.IncidentRequests.Range.Seconds()
	// rate() over the window divides the increase Prometheus holds by the
	// whole window, so this is (1 − objective) × the requests it holds.
	allowed := (1 - obj) * winRate * m.WindowRequests.Range.Seconds()
	f := Figure{Value: 100 * errs / allowed, Unit: UnitPercent, Measured: true,
		Query: m.IncidentErrorRatio.Query + "; " + m.IncidentRequests.Query + "; " + m.WindowRequests.Query,
		Start: m.End.Add(-m.WindowRequests.Range), End: m.End,
		Note: joinNotes(m.IncidentErrorRatio.Note, m.WindowRequests.Note)}
	if held, ok := HeldSpan(m.WindowErrorRatio, m.WindowRequests.Range, m.End); ok {
		f.Held, f.Start = held, m.End.Add(-held)
		f.Note = joinNotes(heldNote(held, m.WindowRequests.Range), f.Note)
	}
	return f
}

// impactStart finds the first sample of the breach that the alert caught.
func impactStart(s Series, objective float64, alert time.Time) Figure {
	if s.Reason != "" {
		return s.notMeasured(UnitTime)
	}
	in, _ := Within(s.Samples, time.Time{}, alert)
	t, reason := BreachStart(in, objective/100, s.Step, alert)
	if reason != "" {
		return NotMeasured(UnitTime, reason)
	}
	start := time.Time{}
	if len(in) > 0 {
		start = in[0].T
	}
	return Figure{Unit: UnitTime, Measured: true, At: t, Query: s.Query,
		Start: start, End: alert, Step: s.Step, Note: s.Note}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clamp01(v float64) float64 { return min(max(v, 0), 1) }

func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}
