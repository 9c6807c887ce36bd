package distribution

import (
	"net/url"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// Message is what one delivery sends: the executive summary in the
// message, and a link to the post-mortem's HTML page (the approved record)
// when the server's base URL is known.
func Message(pm *hindsight.Postmortem, d hindsight.Delivery, baseURL string) hindsight.Reminder {
	inc, n := pm.Incident, pm.Document.Narrative
	r := hindsight.Reminder{Kind: hindsight.ReminderDistribution, Subject: inc.ID, IncidentID: inc.ID,
		Period: hindsight.DistributionPeriod(*pm.Document.ApprovedAt),
		Title:  "Post-mortem approved: " + inc.Title + " (" + string(inc.Severity) + ", " + inc.ID + ")"}
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			r.Lines = append(r.Lines, label+": "+v)
		}
	}
	add("What", inc.Summary)
	when := inc.StartedAt.UTC().Format("2006-01-02 15:04 UTC")
	if inc.ResolvedAt != nil {
		when += " to " + inc.ResolvedAt.UTC().Format("2006-01-02 15:04 UTC") + " (" + hindsight.FormatDuration(inc.ResolvedAt.Sub(inc.StartedAt)) + ")"
	}
	add("When", when)
	add("Services", strings.Join(inc.Services, ", "))
	add("Impact", n.Impact)
	add("Root cause", n.RootCause)
	add("Resolution", n.Resolution)
	add("Approved", pm.Document.ApprovedAt.UTC().Format("2006-01-02 15:04 UTC"))
	add("Sent to", d.Label)
	if baseURL != "" {
		r.URL = strings.TrimRight(baseURL, "/") + "/api/v1/incidents/" + url.PathEscape(inc.ID) + "/postmortem.html"
	}
	return r
}
