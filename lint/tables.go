package lint

import (
	"regexp"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/postmortem"
)

// table is a Markdown table: its header cells and its body rows by line.
type table struct {
	header []string
	rows   []row
}

// row is one body row and its 0-based line.
type row struct {
	cells []string
	line  int
}

// cell returns the i-th cell or "".
func (r row) cell(i int) string {
	if i >= 0 && i < len(r.cells) {
		return r.cells[i]
	}
	return ""
}

var separatorRE = regexp.MustCompile(`^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$`)

// tables finds the document's tables: a header line, a separator line and
// the rows that follow.
func (d *doc) tables() []table {
	var out []table
	for i := 0; i+1 < len(d.lines); i++ {
		if d.skip[i] || d.fenced[i] || !strings.HasPrefix(strings.TrimSpace(d.lines[i]), "|") ||
			!separatorRE.MatchString(strings.TrimSpace(d.lines[i+1])) {
			continue
		}
		t := table{header: splitRow(d.lines[i])}
		j := i + 2
		for ; j < len(d.lines) && strings.HasPrefix(strings.TrimSpace(d.lines[j]), "|"); j++ {
			t.rows = append(t.rows, row{cells: splitRow(d.lines[j]), line: j})
		}
		out = append(out, t)
		i = j - 1
	}
	return out
}

// splitRow splits a table row on unescaped pipes and trims the cells.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var cells []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
			continue
		}
		b.WriteByte(line[i])
	}
	return append(cells, strings.TrimSpace(b.String()))
}

// column returns the index of the first header that starts with one of names.
func (t table) column(names ...string) int {
	for i, h := range t.header {
		h = strings.ToLower(h)
		for _, n := range names {
			if strings.HasPrefix(h, n) {
				return i
			}
		}
	}
	return -1
}

// checkTables runs the timeline and action-item rules over every table.
func (d *doc) checkTables() {
	timelines := 0
	for _, t := range d.tables() {
		switch {
		case len(t.header) > 0 && strings.EqualFold(t.header[0], "time"):
			d.checkTimeline(t, timelines == 0)
			timelines++
		case t.column("action") >= 0 && t.column("owner") >= 0:
			d.checkActions(t)
		}
	}
}

// rowTime reads a timeline time as Parse does.
func (d *doc) rowTime(s string) (time.Time, bool) { return postmortem.RowTime(s, d.start) }

// checkTimeline reports rows out of order and rows before the incident
// start that are not context. The issue begins before the alert fires (the
// seed measures Time to Detect from the issue start), so the first
// timeline table may open with rows before the start: "Issue started" and
// what led to it. A response step (Detection, Incident declared…) before
// the start, a row before the start after the alert, or one in a later
// table, is a wrong time.
func (d *doc) checkTimeline(t table, first bool) {
	var prev time.Time
	prevText := ""
	started := !first
	for _, r := range t.rows {
		at, ok := d.rowTime(r.cell(0))
		if !ok {
			continue
		}
		if !prev.IsZero() && at.Before(prev) {
			d.add(r.line, RuleTimelineOrder, "%s comes after %s: sort the table by time", r.cell(0), prevText)
		}
		before := !d.start.IsZero() && at.Before(d.start)
		started = started || !before
		if before && (started || postmortem.IsResponseEvent(r.cell(1))) && !strings.EqualFold(r.cell(1), "Issue started") {
			d.add(r.line, RuleTimelineBeforeStart, "%s is before the incident start %s: fix the time; only the issue's start and what led to it may precede the alert, at the top of the first timeline table",
				r.cell(0), d.start.Format("2006-01-02 15:04"))
		}
		prev, prevText = at, r.cell(0)
	}
}

var (
	hintRE    = regexp.MustCompile(`^\[[^\]]*\]$`)
	isoDateRE = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
)

// checkActions reports action items without a real owner, due date or
// verification, and due dates before the incident.
func (d *doc) checkActions(t table) {
	owner, due, verify := t.column("owner"), t.column("due"), t.column("verification")
	for _, r := range t.rows {
		o := r.cell(owner)
		switch {
		case o == "" || hintRE.MatchString(o):
			d.claim(r.line, o)
			d.add(r.line, RuleActionOwner, "action item has no owner: name the person who will do it")
		case postmortem.IsTemplatePerson(o):
			d.claim(r.line, o)
			d.add(r.line, RuleActionOwner, "action item is owned by the template's %s: name the person who will do it", o)
		}
		if due >= 0 {
			d.checkDue(r, r.cell(due))
		}
		if verify >= 0 {
			if v := r.cell(verify); v == "" || hintRE.MatchString(v) || v == "TBD" {
				d.claim(r.line, v)
				d.add(r.line, RuleActionVerification, "action item has no verification: say how its completion will be checked")
			}
		}
	}
}

// checkDue reports a missing, unreadable or too early due date.
func (d *doc) checkDue(r row, v string) {
	if !isoDateRE.MatchString(v) {
		d.claim(r.line, v)
		d.add(r.line, RuleActionDue, "action item has no due date (%q): give one as YYYY-MM-DD", v)
		return
	}
	at, err := time.ParseInLocation("2006-01-02", v, time.UTC)
	if err != nil {
		d.add(r.line, RuleActionDue, "due date %s is not a calendar date: give one as YYYY-MM-DD", v)
		return
	}
	day := d.start.Truncate(24 * time.Hour)
	if !d.start.IsZero() && at.Before(day) {
		d.add(r.line, RuleDueBeforeIncident, "due date %s is before the incident (%s): set a date after it", v, day.Format("2006-01-02"))
	}
}
