package postmortem

import (
	"io"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Policy is how a deployment drafts and renders its documents: which
// objectives an incident is measured against, the template, from which
// severity an alert gets a draft, and who the intake's drafts are by. The
// server builds one from its configuration; the intake, the review
// workflow, the UI and the downloads use its methods.
type Policy struct {
	// SLOFor gives the objectives of an incident; nil is
	// hindsight.DefaultSLOTargets for every incident.
	SLOFor func(*hindsight.Incident) hindsight.SLOTargets
	// Template is the configured template; nil is the built-in one.
	Template *Template
	// DraftMinSeverity is the lowest severity that AlertDraft drafts for.
	DraftMinSeverity hindsight.Severity
	// Author signs the intake's drafts.
	Author string
	// Version is Hindsight's version, shown in the generator line.
	Version string
	// Now is the clock for incidents without a creation time; nil is
	// time.Now.
	Now func() time.Time
}

// slo returns the objectives of inc.
func (p Policy) slo(inc *hindsight.Incident) hindsight.SLOTargets {
	if p.SLOFor == nil {
		return hindsight.DefaultSLOTargets()
	}
	return p.SLOFor(inc)
}

// Render writes pm as Markdown with the incident's configured objectives
// and the configured template.
func (p Policy) Render(w io.Writer, pm hindsight.Postmortem) error {
	pm.SLO = p.slo(&pm.Incident)
	return Render(w, pm, p.Template)
}

// Draft returns the draft document of inc by author, dated when the
// incident was created (now, for one not created yet).
func (p Policy) Draft(inc hindsight.Incident, author string) hindsight.Document {
	now := inc.CreatedAt
	if now.IsZero() {
		now = time.Now()
		if p.Now != nil {
			now = p.Now()
		}
	}
	return NewDraft(inc, DraftOptions{Author: author, Version: p.Version, Now: now.UTC(), SLO: p.slo(&inc)}).Document
}

// AlertDraft returns the draft the intake stores with an incident an alert
// opened, by Author, or nil below DraftMinSeverity.
func (p Policy) AlertDraft(inc hindsight.Incident) *hindsight.Document {
	if !inc.Severity.AtLeast(p.DraftMinSeverity) {
		return nil
	}
	doc := p.Draft(inc, p.Author)
	return &doc
}
