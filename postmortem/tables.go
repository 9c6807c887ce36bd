package postmortem

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// TimelineTable is one of the seed's three timeline tables.
type TimelineTable struct {
	// Phase is detection, investigation or resolution.
	Phase string
	// Heading is the seed's heading: "Detection and Response".
	Heading string
	// Rows are the recorded events sorted by time, then the seed's
	// placeholder rows for expected events not recorded yet.
	Rows []TimelineRow
}

// TimelineRow is one timeline table row. Values are raw text.
type TimelineRow struct {
	// Time is "00:24", or "2025-10-01 00:05" for an event on a later (UTC)
	// day than the start, or "HH:MM" in a placeholder row.
	Time                 string
	Event, Actor, Action string
	// Placeholder reports whether the row is the seed's placeholder.
	Placeholder bool
	// Key identifies a placeholder row, for dismissing it: "timeline/detection/1".
	Key string
}

// ActionTable is one of the seed's three corrective-action tables.
type ActionTable struct {
	// Horizon is immediate, medium or long.
	Horizon string
	// Heading is the seed's heading: "Immediate Actions (Complete within 1 week)".
	Heading string
	// DueDate is the horizon's default due date: 2025-10-07.
	DueDate string
	// Rows are the horizon's actions, or the seed's placeholder rows when
	// it has none.
	Rows []ActionRow
}

// ActionRow is one corrective-action table row. Values are raw text.
type ActionRow struct {
	// Title is the action; linked to its tracker as [Title](URL) when known.
	Title string
	// Owner is a handle: "@parallels".
	Owner string
	// DueDate is YYYY-MM-DD.
	DueDate string
	// Status is the label: "⏳ Open".
	Status       string
	Verification string
	// Placeholder reports whether the row is the seed's placeholder.
	Placeholder bool
	// Key identifies a placeholder row, for dismissing it: "actions/long/0".
	Key string
}

// SignOffView is one line of "Review and Approval".
type SignOffView struct {
	// Role is the label: "Technical Review".
	Role string
	// Signer is a handle: "@parallels".
	Signer string
	// Date is YYYY-MM-DD: the signing date, the incident date on a draft's
	// template people, or "TBD" while a named signer has not signed.
	Date string
	// Signed reports whether the signer has signed.
	Signed bool
	// Voided is why a given sign-off was voided, "" when it was not.
	Voided string
}

// timelineTables sorts the recorded events into their tables and adds the
// placeholder rows of expected events that are not recorded. Each recorded
// event of a type uses up one expected row of that type, wherever it sits;
// dismissed rows are neither shown nor used up.
func timelineTables(pm hindsight.Postmortem) []TimelineTable {
	dismissed := dismissedSet(pm.Document.Narrative.Dismissed)
	start := pm.Incident.StartedAt
	events := append([]hindsight.TimelineEvent(nil), pm.Timeline...)
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
	recorded := map[hindsight.EventType]int{}
	for _, e := range events {
		recorded[e.Type]++
	}
	layout := pm.Document.Narrative.TimeLayout
	dated := layout == "" && crossesMidnight(start, pm.Incident.ResolvedAt, events)
	tables := make([]TimelineTable, 0, len(hindsight.Phases))
	for _, phase := range hindsight.Phases {
		t := TimelineTable{Phase: string(phase), Heading: phaseHeadings[phase]}
		for _, e := range events {
			if e.TablePhase() == phase {
				t.Rows = append(t.Rows, TimelineRow{Time: eventTime(e.Time, start, layout, dated), Event: e.Event, Actor: e.Actor, Action: e.Action})
			}
		}
		for i, x := range expectedEvents[phase] {
			key := TimelinePlaceholderKey(phase, i)
			if dismissed[key] {
				continue
			}
			if recorded[x.Type] > 0 {
				recorded[x.Type]--
				continue
			}
			action := strings.Replace(x.Action, "SEV-X", pm.Incident.Severity.Short(), 1)
			t.Rows = append(t.Rows, TimelineRow{Time: placeholderClock, Event: x.Event, Actor: x.Actor, Action: action, Placeholder: true, Key: key})
		}
		tables = append(tables, t)
	}
	return tables
}

// actionTables groups the actions by horizon; a horizon without actions
// shows the seed's placeholder rows that were not dismissed, with the
// corrected due date.
func actionTables(pm hindsight.Postmortem, author string) []ActionTable {
	dismissed := dismissedSet(pm.Document.Narrative.Dismissed)
	start := pm.Incident.StartedAt.UTC()
	tables := make([]ActionTable, 0, len(hindsight.Horizons))
	for _, h := range hindsight.Horizons {
		due := h.DueDate(start).Format(dateLayout)
		t := ActionTable{Horizon: string(h), Heading: horizonHeadings[h], DueDate: due}
		for _, a := range pm.Actions {
			if a.Horizon == h {
				t.Rows = append(t.Rows, actionRow(a, due))
			}
		}
		if len(t.Rows) == 0 {
			for i, x := range expectedActions[h] {
				key := ActionPlaceholderKey(h, i)
				if dismissed[key] {
					continue
				}
				owner := author
				if x.Team {
					owner = "@team"
				}
				t.Rows = append(t.Rows, ActionRow{Title: x.Title, Owner: owner, DueDate: due,
					Status: hindsight.ActionOpen.Label(), Verification: x.Verification, Placeholder: true, Key: key})
			}
		}
		tables = append(tables, t)
	}
	return tables
}

// actionRow renders a recorded action; a missing due date is the horizon's.
func actionRow(a hindsight.ActionItem, horizonDue string) ActionRow {
	r := ActionRow{
		Title:        a.Title,
		Owner:        firstOf(Handle(a.Owner), placeholderOwner),
		DueDate:      horizonDue,
		Status:       a.Status.Label(),
		Verification: firstOf(a.Verification, placeholderVerify),
	}
	if a.Status == "" {
		r.Status = hindsight.ActionOpen.Label()
	}
	if !a.DueDate.IsZero() {
		r.DueDate = a.DueDate.UTC().Format(dateLayout)
	}
	if a.TrackerURL != "" {
		r.Title = "[" + a.Title + "](" + a.TrackerURL + ")"
	}
	if a.Status == hindsight.ActionWontDo && a.StatusReason != "" {
		r.Status += " (" + a.StatusReason + ")"
	}
	return r
}

// metricsView computes the response times the timeline allows.
func metricsView(pm hindsight.Postmortem, duration string) MetricsView {
	first := func(t hindsight.EventType) (time.Time, bool) {
		var found time.Time
		for _, e := range pm.Timeline {
			if e.Type == t && (found.IsZero() || e.Time.Before(found)) {
				found = e.Time
			}
		}
		return found, !found.IsZero()
	}
	between := func(from, to hindsight.EventType) string {
		a, okA := first(from)
		b, okB := first(to)
		return durationText(b.Sub(a), okA && okB && !b.Before(a), placeholderMinutes)
	}
	return MetricsView{
		TimeToDetect:      between(hindsight.EventIssueStarted, hindsight.EventAlertFired),
		TimeToAcknowledge: between(hindsight.EventAlertFired, hindsight.EventAcknowledged),
		TimeToMitigate:    between(hindsight.EventAcknowledged, hindsight.EventMitigation),
		TimeToResolve:     duration,
	}
}

// links fills the narrative's relevant links with what the incident knows
// and appends the alert, runbook and Alertmanager links it has.
func links(inc hindsight.Incident, narrative []hindsight.Field, slack string) []hindsight.Field {
	out := make([]hindsight.Field, 0, len(narrative)+3)
	dashboard := inc.Link(hindsight.LinkDashboard)
	for _, f := range narrative {
		switch {
		case f.Label == labelSlack && f.Value == placeholderSlack:
			f.Value = slack
		case f.Label == labelDashboard && f.Value == placeholderDashboard && dashboard != "":
			f.Value = autolink(dashboard)
		}
		out = append(out, f)
	}
	extra := []struct{ kind, label string }{
		{hindsight.LinkRunbook, "Runbook"},
		{hindsight.LinkAlert, "Alert Source"},
		{hindsight.LinkAlertmanager, "Alertmanager"},
	}
	for _, x := range extra {
		if u := inc.Link(x.kind); u != "" {
			out = append(out, hindsight.Field{Label: x.label, Value: autolink(u)})
		}
	}
	return out
}

// autolink wraps a URL in angle brackets so that Markdown links it and
// linters do not flag a bare URL.
func autolink(u string) string {
	if !autolinkable(u) {
		return u
	}
	return "<" + u + ">"
}

// autolinkable reports whether u can stand between "<" and ">" as one
// autolink, for the renderer (autolink) and the parser (autolinkURL)
// alike: not empty, and no space, "<", ">", control character or line
// break (inlineText turns the line breaks of Unicode into spaces, so a
// URL read with one would be written without its brackets).
func autolinkable(u string) bool {
	return u != "" && !strings.ContainsFunc(u, func(r rune) bool {
		return r <= ' ' || r == 0x7f || r == '<' || r == '>' || strings.ContainsRune(lineBreakChars, r)
	})
}

// signOffs lists one line per role: the recorded sign-off, or the draft's
// template person dated on the incident day.
func signOffs(pm hindsight.Postmortem, author, incidentDate string) []SignOffView {
	byRole := map[hindsight.SignOffRole]hindsight.SignOff{}
	for _, s := range pm.SignOffs {
		byRole[s.Role] = s
	}
	out := make([]SignOffView, 0, len(hindsight.SignOffRoles))
	for _, role := range hindsight.SignOffRoles {
		v := SignOffView{Role: role.Label(), Signer: firstOf(draftSigners[role], author), Date: incidentDate}
		if s, ok := byRole[role]; ok {
			v.Signer = firstOf(Handle(s.Signer), v.Signer)
			v.Date = placeholderTBD
			if s.SignedAt != nil && s.VoidedAt == nil {
				v.Date, v.Signed = s.SignedAt.UTC().Format(dateLayout), true
			}
			if s.VoidedAt != nil {
				v.Voided = s.VoidedReason
			}
		}
		out = append(out, v)
	}
	return out
}

// TimelinePlaceholderKey names the i-th placeholder row of a timeline table.
func TimelinePlaceholderKey(phase hindsight.Phase, i int) string {
	return fmt.Sprintf("timeline/%s/%d", phase, i)
}

// ActionPlaceholderKey names the i-th placeholder row of a horizon's table.
func ActionPlaceholderKey(h hindsight.Horizon, i int) string {
	return fmt.Sprintf("actions/%s/%d", h, i)
}

// ValidPlaceholderKey reports whether key names a placeholder row of the
// default template.
func ValidPlaceholderKey(key string) bool {
	for _, phase := range hindsight.Phases {
		for i := range expectedEvents[phase] {
			if key == TimelinePlaceholderKey(phase, i) {
				return true
			}
		}
	}
	for _, h := range hindsight.Horizons {
		for i := range expectedActions[h] {
			if key == ActionPlaceholderKey(h, i) {
				return true
			}
		}
	}
	return false
}

func dismissedSet(keys []string) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set
}
