package lint

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// typedFigure is one figure a person typed and the measured figure it is
// compared with.
type typedFigure struct {
	label string
	re    *regexp.Regexp
	// measured returns the measured figure, Measured false when none.
	measured func(pm hindsight.Postmortem, rt hindsight.ResponseTimes) hindsight.Figure
}

const numRE = `(-?\d+(?:[.,]\d+)?)`

func impactFigure(get func(*hindsight.Impact) hindsight.Figure) func(hindsight.Postmortem, hindsight.ResponseTimes) hindsight.Figure {
	return func(pm hindsight.Postmortem, _ hindsight.ResponseTimes) hindsight.Figure {
		if pm.Impact == nil {
			return hindsight.Figure{}
		}
		return get(pm.Impact)
	}
}

// typedFigures are the figures of the seed's impact sections, by the words
// that introduce them.
var typedFigures = []typedFigure{
	{"Availability", regexp.MustCompile(`\*\*Availability\*\*:\s*` + numRE + `\s*%`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.Availability })},
	{"Error Rate", regexp.MustCompile(`\*\*Error Rate\*\*:\s*` + numRE + `\s*%`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.PeakErrorRate })},
	{"p95 latency", regexp.MustCompile(`p95\s*=\s*` + numRE + `\s*ms`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.LatencyP95 })},
	{"p99 latency", regexp.MustCompile(`p99\s*=\s*` + numRE + `\s*ms`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.LatencyP99 })},
	{"Data Freshness", regexp.MustCompile(`(?i)max staleness\s*=\s*` + numRE + `\s*min`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.MaxStaleness })},
	{"Total downtime", regexp.MustCompile(`(?i)total downtime:\s*` + numRE + `\s*min`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.Downtime })},
	{"SLO budget consumed", regexp.MustCompile(`(?i)SLO budget consumed:\s*` + numRE + `\s*%`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.BudgetConsumed })},
	{"Remaining budget", regexp.MustCompile(`(?i)remaining budget:\s*` + numRE + `\s*min`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.BudgetRemaining })},
	{"Peak error rate", regexp.MustCompile(`(?i)peak error rate:\s*` + numRE + `\s*%`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.PeakErrorRate })},
	{"Error budget consumed", regexp.MustCompile(`(?i)error budget consumed:\s*` + numRE + `\s*%`), impactFigure(func(i *hindsight.Impact) hindsight.Figure { return i.ErrorBudgetConsumed })},
	{"Time to Detect", regexp.MustCompile(`\*\*Time to Detect\*\*:\s*(.+?)\s*\(`), func(_ hindsight.Postmortem, rt hindsight.ResponseTimes) hindsight.Figure { return rt.Detect }},
	{"Time to Acknowledge", regexp.MustCompile(`\*\*Time to Acknowledge\*\*:\s*(.+?)\s*\(`), func(_ hindsight.Postmortem, rt hindsight.ResponseTimes) hindsight.Figure { return rt.Acknowledge }},
	{"Time to Mitigate", regexp.MustCompile(`\*\*Time to Mitigate\*\*:\s*(.+?)\s*\(`), func(_ hindsight.Postmortem, rt hindsight.ResponseTimes) hindsight.Figure { return rt.Mitigate }},
	{"Time to Resolve", regexp.MustCompile(`\*\*Time to Resolve\*\*:\s*(.+?)\s*\(`), func(_ hindsight.Postmortem, rt hindsight.ResponseTimes) hindsight.Figure { return rt.Resolve }},
}

// tolerance is how far a typed figure may be from the measured one before
// it is flagged: 0.1 percentage points for a percentage, 10% (at least one
// unit) for latencies and durations, since people round those.
func tolerance(unit hindsight.Unit, measured float64) float64 {
	if unit == hindsight.UnitPercent {
		return 0.1
	}
	return math.Max(1, 0.1*math.Abs(measured))
}

// FigureMismatches compares the figures a person typed in the impact
// sections (Narrative.Figures) with the ones Hindsight measured
// (Prometheus, the timeline) and returns a figure-mismatch warning for
// each pair that differs beyond the tolerance. The typed figure stays in
// the document; the warning shows the measured one beside it. lines, the
// rendered document, give the warnings their line.
func FigureMismatches(pm hindsight.Postmortem, lines []string) []hindsight.Finding {
	var start hindsight.Figure
	if pm.Impact != nil {
		start = pm.Impact.ImpactStart
	}
	rt := hindsight.ComputeResponseTimes(&pm.Incident, pm.Timeline, start)
	var out []hindsight.Finding
	for _, sec := range pm.Document.Narrative.Figures {
		for _, line := range strings.Split(sec.Body, "\n") {
			for _, tf := range typedFigures {
				m := tf.re.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				measured := tf.measured(pm, rt)
				typed, ok := typedValue(m[1], measured.Unit)
				if !ok || !measured.Measured || math.Abs(typed-measured.Value) <= tolerance(measured.Unit, measured.Value) {
					continue
				}
				out = append(out, hindsight.Finding{Line: lineOf(lines, line), Rule: RuleFigureMismatch, Severity: hindsight.FindingWarning,
					Field: "figures." + tf.label,
					Message: fmt.Sprintf("%s is typed as %s but measured as %s: check the figure (the document keeps what was typed)",
						tf.label, strings.TrimSpace(m[1])+unitSuffix(measured.Unit, m[1]), measured.String())})
			}
		}
	}
	return out
}

// typedValue reads a typed number, or a duration such as "1 hour 25
// minutes" for a figure in minutes.
func typedValue(s string, unit hindsight.Unit) (float64, bool) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil {
		return v, true
	}
	if unit != hindsight.UnitMinutes {
		return 0, false
	}
	return hindsight.ParseDurationText(s)
}

// unitSuffix is the unit a typed number was written without.
func unitSuffix(unit hindsight.Unit, typed string) string {
	if _, err := strconv.ParseFloat(strings.TrimSpace(typed), 64); err != nil {
		return ""
	}
	switch unit {
	case hindsight.UnitPercent:
		return "%"
	case hindsight.UnitMilliseconds:
		return "ms"
	case hindsight.UnitMinutes:
		return " minutes"
	}
	return ""
}
