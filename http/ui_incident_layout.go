package http

import (
	"html/template"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// incidentFacts is what the incident page leads with: times, measured
// impact, open actions and where the review stands.
type incidentFacts struct {
	Duration string
	// Availability, ErrorRate and LatencyP95 are the measured figures,
	// rounded for people, or "not measured"; Measured is false until the
	// impact is measured, and NotMeasured gives the first reason a figure
	// could not be measured.
	Availability, ErrorRate, LatencyP95 string
	Measured                            bool
	NotMeasured                         string
	// OpenActions counts the action items not done or dropped; Overdue
	// those past their due date.
	OpenActions, Actions, Overdue int
	// Signed counts the review roles signed (and not voided).
	Signed, Roles int
}

// newIncidentFacts computes the facts of pm at now.
func newIncidentFacts(pm *hindsight.Postmortem, now time.Time) incidentFacts {
	f := incidentFacts{Actions: len(pm.Actions), Roles: len(hindsight.SignOffRoles)}
	if d, ok := pm.Incident.Duration(); ok {
		f.Duration = hindsight.FormatDuration(d)
	}
	if imp := pm.Impact; imp != nil {
		f.Measured = true
		text := func(fig hindsight.Figure) string {
			if fig.Measured {
				return fig.String()
			}
			if f.NotMeasured == "" {
				f.NotMeasured = fig.String()
			}
			return "not measured"
		}
		f.Availability, f.ErrorRate, f.LatencyP95 = text(imp.Availability), text(imp.PeakErrorRate), text(imp.LatencyP95)
	}
	for i := range pm.Actions {
		a := &pm.Actions[i]
		if a.Status == hindsight.ActionOpen || a.Status == hindsight.ActionInProgress {
			f.OpenActions++
		}
		if a.Overdue(now) {
			f.Overdue++
		}
	}
	for _, so := range pm.SignOffs {
		if so.SignedAt != nil && so.VoidedAt == nil {
			f.Signed++
		}
	}
	return f
}

// docPart is one top-level section of the rendered document, and which
// panel of the page follows it ("timeline", "actions" or "").
type docPart struct {
	HTML  template.HTML
	After string
}

// docPanels are the panels placed after the document section whose
// heading contains the key.
var docPanels = []struct{ Heading, Panel string }{{"Timeline", "timeline"}, {"Corrective Actions", "actions"},
	{"Supporting Information", "evidence"}}

// splitDocument cuts the rendered document before each "<h2" that starts
// a line, and marks the sections after which the timeline and action
// panels go, so that their forms sit with their sections. A panel whose
// section the document lacks (a team's own template) follows the document.
func splitDocument(doc template.HTML) []docPart {
	s := string(doc)
	cuts := []int{0}
	for i := 0; ; i += 3 {
		j := strings.Index(s[i:], "<h2")
		if j < 0 {
			break
		}
		i += j
		if i > 0 && s[i-1] == '\n' {
			cuts = append(cuts, i)
		}
	}
	cuts = append(cuts, len(s))
	parts := make([]docPart, 0, len(cuts))
	for i := 0; i+1 < len(cuts); i++ {
		parts = append(parts, docPart{HTML: template.HTML(s[cuts[i]:cuts[i+1]])})
	}
	for _, p := range docPanels {
		placed := false
		for i := range parts {
			head, _, _ := strings.Cut(string(parts[i].HTML), "</h2>")
			if strings.HasPrefix(string(parts[i].HTML), "<h2") && strings.Contains(head, p.Heading) && parts[i].After == "" {
				parts[i].After, placed = p.Panel, true
				break
			}
		}
		if !placed {
			parts = append(parts, docPart{After: p.Panel})
		}
	}
	return parts
}
