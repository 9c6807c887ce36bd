package postmortem

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/yuin/goldmark/ast"
)

// impactSections are the sections that show measured figures.
var impactSections = []string{"service level impact", "response time metrics", "slo impact calculation"}

var (
	footnoteDefRE = regexp.MustCompile(`^\[\^(\d{1,6})\]:[ \t]*(.*?)[ \t]*$`)
	figureRefRE   = regexp.MustCompile(`^(.*?)\[\^(\d{1,6})\]$`)
	plainItemRE   = regexp.MustCompile(`(?s)^[-*+][ \t]+([^:*\n]+):[ \t]?(.*)$`)
	latencyRE     = regexp.MustCompile(`^p95 = (.*), p99 = (.*)$`)
	noteRangeRE   = regexp.MustCompile(`^Range: (\S+ \S+) to (\S+ \S+) UTC(?:, step (\S+))?\.[ ]?`)
	notePeakRE    = regexp.MustCompile(`^(Peak at|At) (\S+ \S+) UTC\.[ ]?`)
	impactStartRE = regexp.MustCompile(`^From the measured impact start .*? before the alert\. (.*)$`)
)

// measuredDoc holds the figure texts and footnotes of a document.
type measuredDoc struct {
	values map[string]string
	notes  map[string]string
	// found is set when any figure is measured or says "not measured".
	found bool
}

// readImpact reads the measured figures back into p.pm.Impact; a document
// whose figures are still the seed's placeholders gets no Impact.
func (p *hsParser) readImpact() {
	m := measuredDoc{values: map[string]string{}, notes: map[string]string{}}
	for i, key := range p.known {
		for _, k := range impactSections {
			if key == k {
				m.read(p, p.d.sections[i])
			}
		}
	}
	if !m.found {
		return
	}
	inc := p.pm.Incident
	imp := &hindsight.Impact{Start: inc.StartedAt, Targets: p.pm.SLO}
	if inc.ResolvedAt != nil {
		imp.End = *inc.ResolvedAt
	}
	imp.Availability = m.figure("Availability", hindsight.UnitPercent, " uptime")
	imp.PeakErrorRate = m.figure("Error Rate", hindsight.UnitPercent, " peak")
	imp.LatencyP95 = m.figure("p95", hindsight.UnitMilliseconds, "")
	imp.LatencyP99 = m.figure("p99", hindsight.UnitMilliseconds, "")
	imp.MaxStaleness = m.figure("Data Freshness", hindsight.UnitMinutes, "")
	imp.Downtime = m.figure("Total downtime", hindsight.UnitMinutes, "")
	imp.BudgetConsumed = m.figure("SLO budget consumed", hindsight.UnitPercent, "")
	imp.BudgetRemaining = m.figure("Remaining budget", hindsight.UnitMinutes, "")
	imp.ErrorBudgetConsumed = m.figure("Error budget consumed", hindsight.UnitPercent, "")
	imp.MonthlyBudget = budgetFigure(p.pm.SLO)
	imp.ImpactStart = m.impactStart()
	imp.Step = imp.PeakErrorRate.Step
	p.pm.Impact = imp
}

// read collects a section's figure texts and footnote definitions.
func (m *measuredDoc) read(p *hsParser, s section) {
	for _, b := range s.blocks {
		if b.node.Kind() != ast.KindParagraph {
			continue
		}
		for _, line := range strings.Split(p.d.raw(b), "\n") {
			if f := footnoteDefRE.FindStringSubmatch(line); f != nil {
				m.notes[f[1]] = f[2]
			}
		}
	}
	for _, it := range p.items(s) {
		label, value := "", ""
		if f := fieldRE.FindStringSubmatch(it.raw); f != nil {
			label, value = f[1], f[2]
		} else if f := plainItemRE.FindStringSubmatch(it.raw); f != nil {
			label, value = f[1], f[2]
		} else {
			continue
		}
		value, _, _ = strings.Cut(value, " (SLO: ")
		value, _, _ = strings.Cut(value, " (from ")
		value = strings.TrimSuffix(value, " (total incident duration)")
		value = strings.TrimPrefix(value, "Max staleness = ")
		if l := latencyRE.FindStringSubmatch(value); l != nil && label == "Latency" {
			m.set("p95", l[1])
			m.set("p99", l[2])
			continue
		}
		m.set(label, value)
	}
}

// set records one figure's text; only a filled figure counts as found.
func (m *measuredDoc) set(label, value string) {
	if _, dup := m.values[label]; dup {
		return
	}
	m.values[label] = value
	if strings.HasPrefix(value, "not measured: ") || figureRefRE.MatchString(value) {
		m.found = true
	}
}

// figure reads one figure: "97.5% uptime[^1]" and its footnote, or
// "not measured: <reason>".
func (m *measuredDoc) figure(label string, unit hindsight.Unit, suffix string) hindsight.Figure {
	text, ok := m.values[label]
	if !ok {
		return hindsight.NotMeasured(unit, "not in the document")
	}
	if text == hindsight.ReasonNotConfigured {
		return hindsight.NotConfigured(unit)
	}
	if r, ok := strings.CutPrefix(text, "not measured: "); ok {
		return hindsight.NotMeasured(unit, plainReason(r))
	}
	ref := figureRefRE.FindStringSubmatch(text)
	if ref == nil {
		return hindsight.NotMeasured(unit, "not in the document")
	}
	v, err := hindsight.ParseFigureText(strings.TrimSuffix(ref[1], suffix), unit)
	if err != nil {
		return hindsight.NotMeasured(unit, "unreadable figure "+strconv.Quote(ref[1]))
	}
	f := parseNote(m.notes[ref[2]])
	f.Value, f.Unit, f.Measured = v, unit, true
	return f
}

// impactStart reads the impact start from the footnote of the time to
// detect or to resolve that started from it.
func (m *measuredDoc) impactStart() hindsight.Figure {
	for _, label := range []string{"Time to Detect", "Time to Resolve"} {
		ref := figureRefRE.FindStringSubmatch(m.values[label])
		if ref == nil {
			continue
		}
		if s := impactStartRE.FindStringSubmatch(m.notes[ref[2]]); s != nil {
			f := parseNote(s[1])
			f.Unit, f.Measured = hindsight.UnitTime, true
			return f
		}
	}
	return hindsight.NotMeasured(hindsight.UnitTime, "not in the document")
}

// parseNote reads what queryNote writes: queries, range, step, peak time
// and note.
func parseNote(s string) hindsight.Figure {
	var f hindsight.Figure
	if i := strings.LastIndex(s, " "+graphLinkText+"(<"); i >= 0 && strings.HasSuffix(s, ">).") {
		s = s[:i]
	}
	if rest, ok := strings.CutPrefix(s, "Query: "); ok {
		var qs []string
		for {
			q, after, ok := cutCodeSpan(rest)
			if !ok {
				break
			}
			qs = append(qs, q)
			if next, more := strings.CutPrefix(after, "; "); more {
				rest = next
				continue
			}
			rest = strings.TrimPrefix(strings.TrimPrefix(after, "."), " ")
			break
		}
		f.Query, s = strings.Join(qs, "; "), rest
	}
	if r := noteRangeRE.FindStringSubmatch(s); r != nil {
		f.Start, f.End = noteTimeValue(r[1]), noteTimeValue(r[2])
		if r[3] != "" {
			f.Step, _ = time.ParseDuration(r[3])
		}
		s = s[len(r[0]):]
	}
	if r := notePeakRE.FindStringSubmatch(s); r != nil {
		f.At = noteTimeValue(r[2])
		s = s[len(r[0]):]
	}
	if n, ok := strings.CutPrefix(s, "Note: "); ok {
		f.Note = strings.TrimSuffix(n, ".")
	}
	return f
}

// cutCodeSpan reads a code span at the start of s and returns its content
// and what follows it.
func cutCodeSpan(s string) (code, rest string, ok bool) {
	n := len(s) - len(strings.TrimLeft(s, "`"))
	if n == 0 {
		return "", s, false
	}
	fence := s[:n]
	body := s[n:]
	for off := 0; off < len(body); {
		i := strings.Index(body[off:], fence)
		if i < 0 {
			return "", s, false
		}
		end := off + i
		if end+n < len(body) && body[end+n] == '`' {
			off = end + n + 1
			continue
		}
		code = body[:end]
		if n > 1 || strings.HasPrefix(code, " ") && strings.HasSuffix(code, " ") && len(code) > 1 {
			code = strings.TrimSuffix(strings.TrimPrefix(code, " "), " ")
		}
		return code, body[end+n:], true
	}
	return "", s, false
}

// noteTimeValue reads a footnote instant; a zero time stays zero.
func noteTimeValue(s string) time.Time {
	t, err := time.ParseInLocation(noteTimeLayout, s, time.UTC)
	if err != nil || t.Year() == 1 {
		return time.Time{}
	}
	return t
}

// budgetFigure is the monthly budget the objectives give, as
// hindsight.ComputeImpact computes it.
func budgetFigure(t hindsight.SLOTargets) hindsight.Figure {
	switch {
	case t.Window <= 0:
		return hindsight.NotMeasured(hindsight.UnitMinutes, "no SLO window is configured")
	case t.Availability >= 100:
		return hindsight.NotMeasured(hindsight.UnitMinutes, "objective is 100%, no error budget")
	}
	return hindsight.Figure{Value: t.BudgetMinutes(), Unit: hindsight.UnitMinutes, Measured: true}
}
