package postmortem

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// ImpactView is the measured impact as the document shows it. Each value is
// ready text: a measured figure with its unit and a footnote reference
// ("97.5%[^1]"), or "not measured: <reason>". Footnotes give the PromQL
// query, the time range and the step of each measured figure; they follow
// the section that first refers to them.
type ImpactView struct {
	// Availability is "97.5% uptime[^1]"; ErrorRate the peak, "12.3% peak[^2]".
	Availability, ErrorRate string
	// LatencyP95 and LatencyP99 are the peaks: "420 ms[^3]", "2.39 s[^4]".
	LatencyP95, LatencyP99 string
	// Staleness is the maximum data staleness: "12 minutes 30 seconds[^5]".
	Staleness string
	// ServiceLevelNotes are the footnotes of "Service Level Impact".
	ServiceLevelNotes []Footnote
	// TimeToDetect, TimeToAcknowledge, TimeToMitigate and TimeToResolve are
	// the response times from the timeline and the measured impact start:
	// "4 minutes[^6]".
	TimeToDetect, TimeToAcknowledge, TimeToMitigate, TimeToResolve string
	// ResponseNotes are the footnotes of "Response Time Metrics".
	ResponseNotes []Footnote
	// Downtime is the time above the error-rate objective ("12 minutes[^7]"),
	// shown as total downtime and as duration above SLO.
	Downtime string
	// BudgetConsumed and BudgetRemaining are the time-based budget figures.
	BudgetConsumed, BudgetRemaining string
	// PeakErrorRate is the peak error rate without the word "peak": "12.3%[^2]".
	PeakErrorRate string
	// ErrorBudgetConsumed is the event-based error budget consumed: "5.2%[^10]".
	ErrorBudgetConsumed string
	// BudgetNotes are the footnotes of "SLO Impact Calculation".
	BudgetNotes []Footnote
}

// Footnote is one Markdown footnote definition: "[^N]: Text".
type Footnote struct {
	// N is the footnote's number, unique in the document.
	N int
	// Text is the definition: "Query: `…`. Range: … UTC, step 30s."
	Text string
}

// footnotes numbers the measured figures of a document in order.
type footnotes struct {
	n     int
	notes []Footnote
	// prometheus is the Prometheus address a measured figure's footnote
	// links to (its graph page with the figure's query and range).
	prometheus string
}

// ref returns text followed by a new footnote reference.
func (f *footnotes) ref(text, note string) string {
	f.n++
	f.notes = append(f.notes, Footnote{N: f.n, Text: note})
	return fmt.Sprintf("%s[^%d]", text, f.n)
}

// take returns the footnotes added since the last call.
func (f *footnotes) take() []Footnote {
	out := f.notes
	f.notes = nil
	return out
}

// figure returns a figure's text with its footnote, or its reason.
func (f *footnotes) figure(fig hindsight.Figure, suffix string) (text string, ref string) {
	if !fig.Measured {
		return markdownReason(fig.String()), ""
	}
	note := queryNote(fig)
	if u := hindsight.PrometheusGraphURL(f.prometheus, fig); u != "" {
		note += " " + graphLinkText + "(<" + u + ">)."
	}
	text = f.ref(fig.String()+suffix, note)
	return text, text[strings.LastIndex(text, "[^"):]
}

// impactView formats pm's measured impact; nil when it has none.
func impactView(pm hindsight.Postmortem) *ImpactView {
	imp := pm.Impact
	if imp == nil {
		return nil
	}
	fn := footnotes{prometheus: imp.PrometheusURL}
	v := &ImpactView{}
	v.Availability, _ = fn.figure(imp.Availability, " uptime")
	var errRef string
	v.ErrorRate, errRef = fn.figure(imp.PeakErrorRate, " peak")
	v.LatencyP95, _ = fn.figure(imp.LatencyP95, "")
	v.LatencyP99, _ = fn.figure(imp.LatencyP99, "")
	v.Staleness, _ = fn.figure(imp.MaxStaleness, "")
	v.ServiceLevelNotes = fn.take()
	v.responseTimes(&fn, pm)
	v.ResponseNotes = fn.take()
	v.Downtime, _ = fn.figure(imp.Downtime, "")
	v.BudgetConsumed, _ = fn.figure(imp.BudgetConsumed, "")
	v.BudgetRemaining, _ = fn.figure(imp.BudgetRemaining, "")
	v.PeakErrorRate = markdownReason(imp.PeakErrorRate.String()) + errRef
	v.ErrorBudgetConsumed, _ = fn.figure(imp.ErrorBudgetConsumed, "")
	v.BudgetNotes = fn.take()
	return v
}

// responseTimes fills the response times from the timeline and the impact
// start, each measured one with a footnote of the instants it spans.
func (v *ImpactView) responseTimes(fn *footnotes, pm hindsight.Postmortem) {
	start := pm.Impact.ImpactStart
	rt := hindsight.ComputeResponseTimes(&pm.Incident, pm.Timeline, start)
	span := func(f hindsight.Figure, fromImpact bool) string {
		if !f.Measured {
			return markdownReason(f.String())
		}
		text := hindsight.FormatDuration(f.End.Sub(f.Start))
		note := "From " + noteTime(f.Start) + " to " + noteTime(f.End) + " UTC, timeline events."
		if fromImpact && start.Measured && f.Start.Equal(start.At.UTC()) {
			note = "From the measured impact start " + noteTime(f.Start) + " to " + noteTime(f.End) +
				" UTC. Impact start: the first sample above the error-rate objective before the alert. " + queryNote(start)
		}
		return fn.ref(text, note)
	}
	v.TimeToDetect = span(rt.Detect, true)
	v.TimeToAcknowledge = span(rt.Acknowledge, false)
	v.TimeToMitigate = span(rt.Mitigate, false)
	v.TimeToResolve = span(rt.Resolve, true)
}

// graphLinkText is the text of a footnote's link to Prometheus's graph page.
const graphLinkText = "[Prometheus graph]"

// noteTimeLayout writes the instants of a footnote.
const noteTimeLayout = "2006-01-02 15:04:05"

func noteTime(t time.Time) string { return t.UTC().Format(noteTimeLayout) }

// queryNote is a measured figure's footnote: its queries, time range, step,
// peak time and note.
func queryNote(f hindsight.Figure) string {
	var b strings.Builder
	if qs := queryCodeSpans(f.Query); len(qs) > 0 {
		b.WriteString("Query: " + strings.Join(qs, "; ") + ". ")
	}
	if !f.Start.IsZero() || !f.End.IsZero() {
		b.WriteString("Range: " + noteTime(f.Start) + " to " + noteTime(f.End) + " UTC")
		if f.Step > 0 {
			b.WriteString(", step " + formatStep(f.Step))
		}
		b.WriteString(". ")
	}
	if !f.At.IsZero() && f.Unit != hindsight.UnitTime {
		b.WriteString("Peak at " + noteTime(f.At) + " UTC. ")
	}
	if f.Unit == hindsight.UnitTime && !f.At.IsZero() {
		b.WriteString("At " + noteTime(f.At) + " UTC. ")
	}
	if f.Note != "" {
		b.WriteString("Note: " + oneLine(f.Note) + ". ")
	}
	if b.Len() == 0 {
		return "From the configured objectives."
	}
	return strings.TrimSpace(b.String())
}

// queryCodeSpans writes each of a figure's queries ("; "-separated) as a
// code span. Blank queries are left out: Markdown has no empty code span
// (two backticks open a span that never closes), so one would not read back.
func queryCodeSpans(query string) []string {
	var out []string
	for _, q := range strings.Split(query, "; ") {
		if oneLine(q) != "" {
			out = append(out, codeSpan(q))
		}
	}
	return out
}

// codeSpan writes s as a Markdown code span on one line, with enough
// backticks to hold the backticks s contains.
func codeSpan(s string) string {
	s = oneLine(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || fence != "`" {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// oneLine joins the lines of s with single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// formatStep writes a step as Go does, without zero units: "30s", "5m", "1h".
func formatStep(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

var (
	bareURLRE  = regexp.MustCompile(`https?://[^\s<>]*[^\s<>:.,;)]`)
	autolinkRE = regexp.MustCompile(`<(https?://[^\s<>]+)>`)
)

// markdownReason writes a "not measured" reason for the document: URLs in
// it (such as Prometheus's address) become autolinks, not bare URLs.
func markdownReason(s string) string { return bareURLRE.ReplaceAllString(s, "<$0>") }

// plainReason reverses markdownReason.
func plainReason(s string) string { return autolinkRE.ReplaceAllString(s, "$1") }
