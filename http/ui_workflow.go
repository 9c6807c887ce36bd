package http

import (
	"context"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/review"
)

// UIWorkflow is the review workflow that the web UI's forms drive;
// *review.Service implements it. Every method records the context's
// identity in history.
type UIWorkflow interface {
	IncidentManager
	// TransitionDocument moves a post-mortem to another status; a refused
	// submission is a *review.LintError carrying the findings.
	TransitionDocument(ctx context.Context, incidentID string, to hindsight.DocumentStatus, reason string) (*hindsight.Document, error)
	// UpdateNarrative replaces a narrative at expectedVersion, voiding
	// sign-offs given before.
	UpdateNarrative(ctx context.Context, incidentID string, n hindsight.Narrative, expectedVersion int) (*review.NarrativeUpdate, error)
	// SignOff signs a review role as the context's identity.
	SignOff(ctx context.Context, incidentID string, role hindsight.SignOffRole) (*hindsight.SignOff, error)
	// LintPostmortem lists what keeps a post-mortem from going to review.
	LintPostmortem(ctx context.Context, incidentID string) ([]review.Finding, error)
	// CreateAction adds a corrective action with the horizon's default due date.
	CreateAction(ctx context.Context, incidentID string, a *hindsight.ActionItem) error
	// AddTimelineEvent appends a timeline event.
	AddTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error
	// UpdateTimelineEvent replaces an event of the incident's timeline.
	UpdateTimelineEvent(ctx context.Context, incidentID string, id int64, e hindsight.TimelineEvent) (*hindsight.TimelineEvent, error)
	// DismissPlaceholder removes a template placeholder row that does not apply.
	DismissPlaceholder(ctx context.Context, incidentID, key string, expectedVersion int) (*review.NarrativeUpdate, error)
	// TransitionIncident moves the incident itself to another status.
	TransitionIncident(ctx context.Context, incidentID string, to hindsight.IncidentStatus, reason string) (*hindsight.Incident, error)
	// Action returns one action item.
	Action(ctx context.Context, id int64) (*hindsight.ActionItem, error)
	// UpdateAction patches an action item at expectedVersion.
	UpdateAction(ctx context.Context, id int64, p review.ActionPatch, expectedVersion int) (*hindsight.ActionItem, error)
}

var _ UIWorkflow = (*review.Service)(nil)

// UIStore is what the web UI reads directly: every store service and the
// dashboard's facts; *sqlstore.Store implements it.
type UIStore interface {
	hindsight.Services
	hindsight.FactsService
}
