// Package postmortem renders the post-mortem document of an incident from an
// embedded text/template that reproduces the seed document section by
// section, or from a team's own template. Facts Hindsight knows (dates,
// severity, services, timeline, due dates, links, SLO budget) are computed
// into a view model; what it does not know stays as the seed's placeholder.
package postmortem

import (
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// DraftOptions tune NewDraft.
type DraftOptions struct {
	// Author is the document's author; empty means the incident's author.
	Author string
	// Version is Hindsight's version, shown as "Generator: hindsight <Version>";
	// empty means "dev".
	Version string
	// Generator overrides the whole generator string when set.
	Generator string
	// Now is the injected clock: when the draft is generated. Zero means the
	// current time.
	Now time.Time
	// SLO are the objectives shown in the document; the zero value means
	// hindsight.DefaultSLOTargets().
	SLO hindsight.SLOTargets
}

// NewDraft returns the post-mortem of a new incident: a DRAFT document whose
// narrative holds the seed's placeholders, the SLO targets, and a timeline
// with the alert that opened the incident. An empty incident ID or status is
// filled (IncidentID of the start and alert name; UNDER INVESTIGATION).
func NewDraft(inc hindsight.Incident, opts DraftOptions) hindsight.Postmortem {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	inc.StartedAt = inc.StartedAt.UTC()
	if inc.ID == "" {
		inc.ID = hindsight.IncidentID(inc.StartedAt, alertName(inc))
	}
	if inc.Status == "" {
		inc.Status = hindsight.IncidentInvestigating
	}
	author := strings.TrimLeft(strings.TrimSpace(opts.Author), "@")
	if author == "" {
		author = strings.TrimLeft(strings.TrimSpace(inc.Author), "@")
	}
	slo := opts.SLO
	if slo == (hindsight.SLOTargets{}) {
		slo = hindsight.DefaultSLOTargets()
	}
	return hindsight.Postmortem{
		Incident: inc,
		Document: hindsight.Document{
			IncidentID:     inc.ID,
			Status:         hindsight.DocDraft,
			Author:         author,
			Generator:      generator(opts),
			GeneratedAt:    now,
			Narrative:      PlaceholderNarrative(),
			NextReviewDate: hindsight.NextReviewDate(inc.StartedAt),
			Version:        1,
			UpdatedAt:      now,
			UpdatedBy:      author,
		},
		Timeline: []hindsight.TimelineEvent{alertFired(inc, now)},
		SLO:      slo,
	}
}

// generator returns "hindsight <version>" unless the options override it.
func generator(opts DraftOptions) string {
	if g := strings.TrimSpace(opts.Generator); g != "" {
		return g
	}
	v := strings.TrimSpace(opts.Version)
	if v == "" {
		v = "dev"
	}
	return "hindsight " + v
}

// alertName is the alert that opened the incident, or its title.
func alertName(inc hindsight.Incident) string {
	if inc.AlertName != "" {
		return inc.AlertName
	}
	return inc.Title
}

// alertFired is the timeline's first real event: the alert firing at the
// incident's start.
func alertFired(inc hindsight.Incident, now time.Time) hindsight.TimelineEvent {
	source := "user"
	if inc.GroupKey != "" {
		source = "alertmanager"
	}
	return hindsight.TimelineEvent{
		IncidentID: inc.ID,
		Time:       inc.StartedAt,
		Type:       hindsight.EventAlertFired,
		Event:      "Initial trigger",
		Actor:      "System",
		Action:     "Alert fired: " + alertName(inc),
		Source:     source,
		CreatedAt:  now,
	}
}
