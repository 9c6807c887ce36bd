package postmortem

import (
	"time"

	"github.com/hindsight-sre/hindsight"
)

// samplePostmortem is a post-mortem with every part filled, used to check a
// template once when it is parsed: a resolved incident with links, events in
// every table, actions in every horizon and a signed sign-off.
func samplePostmortem() hindsight.Postmortem {
	start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	end := start.Add(106 * time.Minute)
	inc := hindsight.Incident{
		Title: "HighAPIErrorRate", AlertName: "HighAPIErrorRate", Severity: hindsight.SEV2,
		Status: hindsight.IncidentResolved, Summary: "API 5xx error rate exceeded threshold",
		Services: []string{"api"}, Regions: []string{"eu-west-1"}, StartedAt: start, ResolvedAt: &end,
		Links: []hindsight.Link{{Kind: hindsight.LinkDashboard, URL: "https://grafana.example/d/api"}},
	}
	pm := NewDraft(inc, DraftOptions{Author: "sample", Now: start})
	pm.Timeline = append(pm.Timeline,
		hindsight.TimelineEvent{Time: start.Add(time.Hour), Type: hindsight.EventFinding, Event: "Finding", Actor: "Engineer", Action: "Found"},
		hindsight.TimelineEvent{Time: end, Type: hindsight.EventResolved, Event: "Incident resolved", Actor: "On-call", Action: "Resolved"})
	for _, h := range hindsight.Horizons {
		pm.Actions = append(pm.Actions, hindsight.ActionItem{Title: "Act", Owner: "sample", Horizon: h,
			DueDate: h.DueDate(start), Status: hindsight.ActionOpen, Verification: "Check"})
	}
	pm.SignOffs = []hindsight.SignOff{{Role: hindsight.RoleAuthor, Signer: "sample", SignedAt: &end}}
	pm.Document.Narrative.Extra = []hindsight.Section{{Heading: "Appendix", Body: "Text."}}
	return pm
}
