package postmortem

import (
	"regexp"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/yuin/goldmark/ast"
)

// otherParser reads a document in another layout, best effort.
type otherParser struct {
	d     *parsedDoc
	pm    hindsight.Postmortem
	n     hindsight.Narrative
	extra []hindsight.Section
}

// textSections map a heading (by titleKey) onto a one-line narrative part.
var textSections = map[string]func(p *otherParser, v string){
	"summary":           func(p *otherParser, v string) { p.pm.Incident.Summary = v },
	"executive summary": func(p *otherParser, v string) { p.pm.Incident.Summary = v },
	"incident summary":  func(p *otherParser, v string) { p.pm.Incident.Summary = v },
	"overview":          func(p *otherParser, v string) { p.pm.Incident.Summary = v },
	"what happened":     func(p *otherParser, v string) { p.pm.Incident.Summary = v },
	"impact":            func(p *otherParser, v string) { p.n.Impact = v },
	"customer impact":   func(p *otherParser, v string) { p.n.Impact = v },
	"root cause":        func(p *otherParser, v string) { p.n.RootCause = v },
	"root causes":       func(p *otherParser, v string) { p.n.RootCause = v },
	"resolution":        func(p *otherParser, v string) { p.n.Resolution = v },
	"mitigation":        func(p *otherParser, v string) { p.n.Resolution = v },
	"trigger": func(p *otherParser, v string) {
		p.n.ContributingFactors = append(p.n.ContributingFactors, hindsight.Field{Label: "Trigger", Value: v})
	},
}

// fieldSections map a heading onto a "- **Label**: value" list of the narrative.
var fieldSections = map[string]func(n *hindsight.Narrative) *[]hindsight.Field{
	"what went well":         func(n *hindsight.Narrative) *[]hindsight.Field { return &n.WentWell },
	"what went wrong":        func(n *hindsight.Narrative) *[]hindsight.Field { return &n.CouldImprove },
	"what could be improved": func(n *hindsight.Narrative) *[]hindsight.Field { return &n.CouldImprove },
	"contributing factors":   func(n *hindsight.Narrative) *[]hindsight.Field { return &n.ContributingFactors },
}

var (
	isoDateRE  = regexp.MustCompile(`\b(\d{4}-\d\d-\d\d)(?:[ T](\d{1,2}:\d\d))?\b`)
	longDateRE = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})\b`)
	severityRE = regexp.MustCompile(`(?i)\bSEV-?([1-5])\b`)
	authorRE   = regexp.MustCompile(`(?im)^\W*authors?\W*:\W*\s*([\w.@-]+)`)
)

// parseOther reads a document that is not in Hindsight's layout: title and
// start from the first heading and the first date, recognised sections onto
// the model, the rest verbatim in Narrative.Extra.
func (d *parsedDoc) parseOther(opts ParseOptions) (hindsight.Postmortem, error) {
	start, ok := findDate(d.src)
	if !ok {
		if opts.DefaultStart.IsZero() {
			return hindsight.Postmortem{}, hindsight.Errorf(hindsight.EINVALID,
				"line 1: no date found in the document: add the incident's start (such as \"Date: 2025-09-30 14:05\") or give a default start")
		}
		start = opts.DefaultStart.UTC().Truncate(time.Minute)
	}
	p := &otherParser{d: d}
	inc := &p.pm.Incident
	inc.Title, inc.StartedAt, inc.Status = "Imported post-mortem", start, hindsight.IncidentInvestigating
	if len(d.sections) > 0 && strings.TrimSpace(d.sections[0].title) != "" {
		inc.Title = d.sections[0].title
	}
	inc.AlertName = inc.Title
	if m := severityRE.FindSubmatch(d.src); m != nil {
		inc.Severity = hindsight.Severity("SEV" + string(m[1]))
	}
	inc.ID = hindsight.IncidentID(start, inc.Title)
	if m := authorRE.FindSubmatch(d.src); m != nil {
		inc.Author = strings.TrimLeft(string(m[1]), "@")
	}
	p.pm.Document = hindsight.Document{IncidentID: inc.ID, Status: hindsight.DocDraft, Author: inc.Author,
		Generator: "import", Version: 1, UpdatedBy: inc.Author}
	p.pm.SLO = hindsight.DefaultSLOTargets()
	if body := d.preambleText(); body != "" {
		p.extra = append(p.extra, hindsight.Section{Heading: "## Preamble (as imported)", Body: body})
	}
	for i, s := range d.sections {
		if i > 0 && p.mapSection(s) {
			continue
		}
		p.mapBlocks(s, i == 0)
	}
	p.n.Extra = p.extra
	p.pm.Document.Narrative = p.n
	return p.pm, nil
}

// findDate returns the first date in the document, with its time when one
// follows it.
func findDate(src []byte) (time.Time, bool) {
	for _, m := range isoDateRE.FindAllSubmatch(src, 20) {
		s := string(m[1])
		if len(m[2]) > 0 {
			if t, err := hindsight.ParseTime(s + " " + string(m[2])); err == nil {
				return t, true
			}
		}
		if t, ok := parseDate(s); ok {
			return t, true
		}
	}
	if m := longDateRE.FindSubmatch(src); m != nil {
		if t, err := time.ParseInLocation("January 2, 2006", string(m[0]), time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// mapSection maps a recognised section onto the model and reports whether
// it did; a section it cannot map whole is kept verbatim instead.
func (p *otherParser) mapSection(s section) bool {
	if s.key == "what happened" && p.pm.Incident.Summary != "" {
		return false // PagerDuty's: the Overview was the summary; kept verbatim
	}
	if f, ok := textSections[s.key]; ok {
		if v, ok := p.oneLine(s); ok {
			f(p, v)
			return true
		}
	}
	if f, ok := fieldSections[s.key]; ok && len(s.blocks) == 1 {
		items := p.d.listItems(s.blocks[0])
		var fields []hindsight.Field
		for _, it := range items {
			if m := fieldRE.FindStringSubmatch(it.raw); m != nil && !strings.Contains(m[2], "\n") {
				fields = append(fields, hindsight.Field{Label: m[1], Value: m[2]})
			}
		}
		if len(items) > 0 && len(fields) == len(items) {
			*f(&p.n) = append(*f(&p.n), fields...)
			return true
		}
	}
	if s.key == "timeline" {
		return p.timelineSection(s)
	}
	if len(s.blocks) != 1 {
		return false
	}
	switch s.key {
	case "action items", "corrective actions", "follow up actions", "next steps":
		return p.actionTable(s.blocks[0])
	}
	return false
}

// timelineSection maps the section's one table or list onto events and
// keeps the rest of the section (such as "All times UTC") verbatim.
func (p *otherParser) timelineSection(s section) bool {
	at := -1
	for i, b := range s.blocks {
		if _, isList := b.node.(*ast.List); isList || b.node.Kind() == extensionTableKind {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	if at < 0 || !p.timeline(s.blocks[at]) {
		return false
	}
	var rest []string
	for i, b := range s.blocks {
		if i != at {
			rest = append(rest, p.d.raw(b))
		}
	}
	if len(rest) > 0 {
		p.extra = append(p.extra, hindsight.Section{Heading: p.d.headingLine(s), Body: strings.Join(rest, "\n\n")})
	}
	return true
}

// oneLine returns the section's text when it is one paragraph of one line.
func (p *otherParser) oneLine(s section) (string, bool) {
	if len(s.blocks) != 1 || s.blocks[0].node.Kind() != ast.KindParagraph {
		return "", false
	}
	v := p.d.raw(s.blocks[0])
	if strings.Contains(v, "\n") || v == "" {
		return "", false
	}
	return strings.TrimSpace(v), true
}

var timedItemRE = regexp.MustCompile(`^[-*+][ \t]+(?:\*\*)?(\d{4}-\d\d-\d\d \d{1,2}:\d\d|\d{1,2}:\d\d)(?:\*\*)?(?:[ \t]*[-:–][ \t]*|[ \t]+)(\S.*)$`)

// timeline maps a table whose first column is a time, or a list of
// "- 14:05 text" items, onto timeline events.
func (p *otherParser) timeline(b block) bool {
	start := p.pm.Incident.StartedAt
	var events []hindsight.TimelineEvent
	add := func(at time.Time, event, actor, action string) {
		events = append(events, hindsight.TimelineEvent{IncidentID: p.pm.Incident.ID, Time: at,
			Type: hindsight.EventNote, Event: event, Actor: actor, Action: action, Source: "import"})
	}
	if _, rows, ok := p.d.tableRows(b); ok {
		for _, r := range rows {
			at, ok := rowTime(r.cell(0), start)
			if !ok || len(r.cells) > 4 {
				return false
			}
			add(at, r.cell(1), r.cell(2), r.cell(3))
		}
	} else {
		items := p.d.listItems(b)
		for _, it := range items {
			m := timedItemRE.FindStringSubmatch(it.raw)
			if m == nil {
				return false
			}
			at, ok := rowTime(m[1], start)
			if !ok {
				return false
			}
			add(at, "", "", strings.TrimSpace(m[2]))
		}
	}
	if len(events) == 0 {
		return false
	}
	p.pm.Timeline = append(p.pm.Timeline, events...)
	return true
}

// actionColumns maps table headers (by titleKey) onto action fields.
var actionColumns = map[string]string{
	"action": "title", "action item": "title", "item": "title", "task": "title",
	"owner": "owner", "assignee": "owner", "who": "owner",
	"due": "due", "due date": "due", "deadline": "due",
	"status": "status", "state": "status",
	"verification": "verification",
	"bug":          "tracker", "ticket": "tracker", "issue": "tracker", "tracker": "tracker", "link": "tracker",
}

// actionTable maps a corrective-action table onto action items; columns it
// does not know are kept in the title as "(Column: value)".
func (p *otherParser) actionTable(b block) bool {
	header, rows, ok := p.d.tableRows(b)
	if !ok || len(rows) == 0 {
		return false
	}
	cols := make([]string, len(header))
	hasTitle := false
	for i, h := range header {
		cols[i] = actionColumns[titleKey(h)]
		hasTitle = hasTitle || cols[i] == "title"
	}
	if !hasTitle {
		return false
	}
	for _, r := range rows {
		p.pm.Actions = append(p.pm.Actions, p.actionFromRow(header, cols, r))
	}
	return true
}

// actionFromRow reads one row of an action table whose columns are mapped
// by cols.
func (p *otherParser) actionFromRow(header, cols []string, r rawRow) hindsight.ActionItem {
	a := hindsight.ActionItem{IncidentID: p.pm.Incident.ID, Horizon: hindsight.HorizonImmediate, Status: hindsight.ActionOpen}
	var notes []string
	for i, col := range cols {
		v := r.cell(i)
		if v == "" {
			continue
		}
		switch col {
		case "title":
			a.Title = v
		case "owner":
			a.Owner = v
		case "due":
			if t, ok := parseDate(v); ok {
				a.DueDate = t
			} else {
				notes = append(notes, header[i]+": "+v)
			}
		case "status":
			if st, err := hindsight.ParseActionStatus(v); err == nil {
				a.Status = st
			} else {
				notes = append(notes, header[i]+": "+v)
			}
		case "verification":
			a.Verification = v
		case "tracker":
			v = p.trackerCell(&a, v)
			if v != "" {
				notes = append(notes, header[i]+": "+v)
			}
		default:
			notes = append(notes, header[i]+": "+v)
		}
	}
	if len(notes) > 0 {
		a.Title += " (" + strings.Join(notes, "; ") + ")"
	}
	return a
}
