package postmortem

import (
	"regexp"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// extensionTable is goldmark's GFM table node.
type extensionTable = east.Table

// extensionTableKind is the kind of a GFM table node.
var extensionTableKind = east.KindTable

// rawRow is one table row: its cells, unescaped, and where it sits.
type rawRow struct {
	cells []string
	line  int
	// phase or horizon of the table the row is in.
	group string
}

// tableRows returns the header and body rows of a table block, or false
// when the block is not a table. A row with fewer cells than the header has
// empty cells; a row with more keeps the surplus in its last cell.
func (d *parsedDoc) tableRows(b block) (header []string, rows []rawRow, ok bool) {
	t, isTable := b.node.(*east.Table)
	if !isTable {
		return nil, nil, false
	}
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, d.cellText(c))
		}
		if _, isHeader := r.(*east.TableHeader); isHeader {
			header = cells
			continue
		}
		start := lineStart(d.src, nodeStart(r))
		if n := len(cells); n > 0 && r.LastChild().Lines().Len() > 0 {
			cells[n-1] = d.lastCell(r.LastChild().Lines().At(0).Start, start)
		}
		rows = append(rows, rawRow{cells: cells, line: lineAt(d.src, start)})
	}
	return header, rows, true
}

// cellText is a cell's source with escaped pipes unescaped.
func (d *parsedDoc) cellText(c ast.Node) string {
	if c.Lines().Len() == 0 {
		return ""
	}
	seg := c.Lines().At(0)
	return unescapeCell(strings.TrimSpace(string(seg.Value(d.src))))
}

// lastCell reads the last cell from its start to the end of the row, so
// that text after a stray pipe is kept.
func (d *parsedDoc) lastCell(cellStart, rowStart int) string {
	end := lineEnd(d.src, rowStart)
	s := strings.TrimSpace(string(d.src[cellStart:end]))
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = strings.TrimSpace(s[:len(s)-1])
	}
	return unescapeCell(s)
}

// unescapeCell turns the table escape "\|" back into "|".
func unescapeCell(s string) string {
	return strings.ReplaceAll(s, `\|`, "|")
}

// timelineSection reads one timeline table.
func timelineSection(phase hindsight.Phase) sectionFunc {
	return func(p *hsParser, s section) error {
		for _, b := range s.blocks {
			if _, rows, ok := p.d.tableRows(b); ok {
				for _, r := range rows {
					r.group = string(phase)
					p.events = append(p.events, r)
				}
			}
		}
		return nil
	}
}

// actionSection reads one corrective-action table.
func actionSection(h hindsight.Horizon) sectionFunc {
	return func(p *hsParser, s section) error {
		for _, b := range s.blocks {
			if _, rows, ok := p.d.tableRows(b); ok {
				for _, r := range rows {
					r.group = string(h)
					p.actions = append(p.actions, r)
				}
			}
		}
		return nil
	}
}

// cell returns the i-th cell of a row, or "".
func (r rawRow) cell(i int) string {
	if i < len(r.cells) {
		return strings.TrimSpace(r.cells[i])
	}
	return ""
}

var (
	clockRE    = regexp.MustCompile(`^\d{1,2}:\d\d(?::\d\d)?$`)
	dateTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\d[ T]\d{1,2}:\d\d(?::\d\d)?$`)
)

// RowTime reads a time as post-mortems write it, in UTC: "00:24" or
// "00:24:37" on the day of start (refused when start is zero), or
// "2025-10-01 00:05", with seconds if given. Parse and lint share it.
func RowTime(s string, start time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	switch {
	case clockRE.MatchString(s) && !start.IsZero():
		layout := "15:04"
		if strings.Count(s, ":") == 2 {
			layout = "15:04:05"
		}
		c, err := time.Parse(layout, s)
		if err != nil {
			return time.Time{}, false
		}
		y, m, d := start.UTC().Date()
		return time.Date(y, m, d, c.Hour(), c.Minute(), c.Second(), 0, time.UTC), true
	case dateTimeRE.MatchString(s):
		t, err := hindsight.ParseTime(strings.Replace(s, "T", " ", 1))
		return t, err == nil
	}
	return time.Time{}, false
}

func rowTime(s string, start time.Time) (time.Time, bool) { return RowTime(s, start) }

// eventTypes maps the Event column onto event types, so that recorded
// events take the place of the template's placeholder rows as they did
// when the document was generated.
var eventTypes = map[string]hindsight.EventType{
	"issue started":         hindsight.EventIssueStarted,
	"initial trigger":       hindsight.EventAlertFired,
	"detection":             hindsight.EventAcknowledged,
	"initial assessment":    hindsight.EventAssessment,
	"incident declared":     hindsight.EventDeclared,
	"first mitigation":      hindsight.EventMitigation,
	"root cause hypothesis": hindsight.EventHypothesis,
	"escalation":            hindsight.EventEscalation,
	"additional findings":   hindsight.EventFinding,
	"solution implemented":  hindsight.EventFix,
	"monitoring":            hindsight.EventMonitoring,
	"incident resolved":     hindsight.EventResolved,
	"post-incident":         hindsight.EventCommunication,
	"alert added":           hindsight.EventAlertAdded,
	"alert resolved":        hindsight.EventAlertResolved,
	"status change":         hindsight.EventStatusChange,
}

// timeline turns the timeline rows into events. Placeholder rows ("HH:MM")
// are not events; the rows they stand for decide which recorded events
// take a placeholder's place (see assignTypes).
func (p *hsParser) timeline(start time.Time) error {
	var events []hindsight.TimelineEvent
	var guessed []bool
	var written []string
	present := map[hindsight.EventType]int{}
	shown := map[hindsight.Phase]map[string]int{}
	for _, r := range p.events {
		phase := hindsight.Phase(r.group)
		if r.cell(0) == placeholderClock {
			if t, ok := expectedType(phase, r.cell(1), r.cell(2)); ok {
				present[t]++
				if shown[phase] == nil {
					shown[phase] = map[string]int{}
				}
				shown[phase][r.cell(1)+"\x00"+r.cell(2)]++
			}
			continue
		}
		at, ok := rowTime(r.cell(0), start)
		if !ok {
			return invalid(r.line, "timeline time %q is neither HH:MM nor YYYY-MM-DD HH:MM (UTC)", r.cell(0))
		}
		typ, known := eventTypes[strings.ToLower(r.cell(1))]
		if !known {
			typ = hindsight.EventNote
		}
		events = append(events, hindsight.TimelineEvent{
			IncidentID: p.pm.Incident.ID, Time: at, Type: typ, Phase: phase,
			Event: r.cell(1), Actor: r.cell(2), Action: r.cell(3), Source: "import",
		})
		guessed = append(guessed, !known)
		written = append(written, r.cell(0))
	}
	p.n.TimeLayout = timeLayout(written, start)
	assignTypes(events, guessed, present)
	p.pm.Timeline = events
	p.n.Dismissed = append(p.n.Dismissed, dismissedTimeline(events, shown)...)
	return nil
}

// dismissedTimeline finds the placeholder rows people removed: walking the
// expected rows as the renderer does, a row that no recorded event uses up
// and that the document does not show was dismissed.
func dismissedTimeline(events []hindsight.TimelineEvent, shown map[hindsight.Phase]map[string]int) []string {
	recorded := map[hindsight.EventType]int{}
	for _, e := range events {
		recorded[e.Type]++
	}
	var out []string
	for _, phase := range hindsight.Phases {
		for i, x := range expectedEvents[phase] {
			k := x.Event + "\x00" + x.Actor
			switch {
			case recorded[x.Type] > 0:
				recorded[x.Type]--
			case shown[phase][k] > 0:
				shown[phase][k]--
			default:
				out = append(out, TimelinePlaceholderKey(phase, i))
			}
		}
	}
	return out
}

// expectedType finds the placeholder row of a table by its event and actor.
func expectedType(phase hindsight.Phase, event, actor string) (hindsight.EventType, bool) {
	for _, x := range expectedEvents[phase] {
		if x.Event == event && x.Actor == actor {
			return x.Type, true
		}
	}
	return "", false
}

// assignTypes makes the events' types agree with the placeholder rows the
// document shows: an event whose type's placeholders are all still shown
// becomes a note, and a placeholder row that was replaced by an event of an
// unknown name gives that event its type.
func assignTypes(events []hindsight.TimelineEvent, guessed []bool, present map[hindsight.EventType]int) {
	budget := map[hindsight.EventType]int{}
	for _, phase := range hindsight.Phases {
		for _, x := range expectedEvents[phase] {
			budget[x.Type]++
		}
	}
	expected := map[hindsight.EventType]bool{}
	for t, n := range budget {
		expected[t] = true
		budget[t] = n - present[t]
	}
	for i := range events {
		t := events[i].Type
		if budget[t] > 0 {
			budget[t]--
		} else if expected[t] {
			events[i].Type, guessed[i] = hindsight.EventNote, true
		}
	}
	for _, phase := range hindsight.Phases {
		for _, x := range expectedEvents[phase] {
			if budget[x.Type] <= 0 {
				continue
			}
			for i := range events {
				if guessed[i] && events[i].Phase == phase {
					events[i].Type, guessed[i] = x.Type, false
					budget[x.Type]--
					break
				}
			}
		}
	}
}

var linkTitleRE = regexp.MustCompile(`^\[(.+)\]\((\S+)\)$`)

// corrective turns the action rows into action items. A table that shows
// only the template's placeholder rows has no actions.
func (p *hsParser) corrective() {
	placeholders := map[string]bool{}
	for _, xs := range expectedActions {
		for _, x := range xs {
			placeholders[x.Title] = true
		}
	}
	onlyPlaceholders := map[string]bool{}
	for _, r := range p.actions {
		if _, seen := onlyPlaceholders[r.group]; !seen {
			onlyPlaceholders[r.group] = true
		}
		if !placeholders[r.cell(0)] {
			onlyPlaceholders[r.group] = false
		}
	}
	shown := map[string]bool{}
	for _, r := range p.actions {
		if !onlyPlaceholders[r.group] {
			p.pm.Actions = append(p.pm.Actions, p.actionItem(r))
		} else {
			shown[r.group+"\x00"+r.cell(0)] = true
		}
	}
	// A horizon without actions shows its placeholder rows; the ones it no
	// longer shows were dismissed.
	for _, h := range hindsight.Horizons {
		if v, seen := onlyPlaceholders[string(h)]; seen && !v {
			continue
		}
		for i, x := range expectedActions[h] {
			if !shown[string(h)+"\x00"+x.Title] {
				p.n.Dismissed = append(p.n.Dismissed, ActionPlaceholderKey(h, i))
			}
		}
	}
}

// actionItem reads one corrective-action row.
func (p *hsParser) actionItem(r rawRow) hindsight.ActionItem {
	a := hindsight.ActionItem{
		IncidentID: p.pm.Incident.ID, Horizon: hindsight.Horizon(r.group), Title: r.cell(0),
		Owner: r.cell(1), Status: hindsight.ActionOpen, Verification: r.cell(4),
	}
	if m := linkTitleRE.FindStringSubmatch(a.Title); m != nil {
		a.Title, a.TrackerURL = m[1], m[2]
	}
	if r.cell(1) == placeholderOwner {
		a.Owner = ""
	}
	if due, ok := parseDate(r.cell(2)); ok {
		a.DueDate = due
	}
	a.Status, a.StatusReason = actionStatus(r.cell(3))
	return a
}

// actionStatus reads "✅ Done" or "🚫 Won't Do (reason)"; anything else is open.
func actionStatus(s string) (hindsight.ActionStatus, string) {
	if st, err := hindsight.ParseActionStatus(s); err == nil {
		return st, ""
	}
	if i := strings.Index(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		if st, err := hindsight.ParseActionStatus(s[:i]); err == nil && st == hindsight.ActionWontDo {
			return st, s[i+2 : len(s)-1]
		}
	}
	return hindsight.ActionOpen, ""
}

// timeLayout is the form a document writes its timeline times in, so that
// a rendering writes them back alike: "2006-01-02 15:04" when a time on the
// first day carries its date, "15:04" when none does, ":05" appended when
// any gives seconds.
func timeLayout(written []string, start time.Time) string {
	if len(written) == 0 {
		return ""
	}
	layout, seconds := clockLayout, false
	day := start.UTC().Format(dateLayout)
	for _, w := range written {
		w = strings.TrimSpace(w)
		if strings.HasPrefix(w, day) {
			layout = dateTimeLayout
		}
		seconds = seconds || strings.Count(w, ":") == 2
	}
	if seconds {
		layout += ":05"
	}
	return layout
}

// IsResponseEvent reports whether a timeline row's Event column names a
// step of the response to an alert ("Detection", "Incident declared", "First
// mitigation"…), which cannot precede the alert; "Issue started" and other
// names are context, which may.
func IsResponseEvent(event string) bool {
	t, ok := eventTypes[strings.ToLower(strings.TrimSpace(event))]
	return ok && t != hindsight.EventIssueStarted && t != hindsight.EventStatusChange
}
