// Package review runs the post-mortem workflow on top of the store: document
// and incident status transitions, narrative edits that void earlier
// sign-offs, sign-offs by role, corrective actions across incidents, and
// the 30-day follow-up metrics. Every change it makes is one transaction
// that also writes the timeline event and history of the change.
package review

import (
	"context"
	"io"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Service is the review workflow. Set Store; the other fields have defaults.
type Service struct {
	// Store holds everything; it must also implement
	// hindsight.FollowUpService for follow-ups to be kept.
	Store hindsight.Store
	// Policy says who may sign which role and what approval needs.
	Policy hindsight.SignOffPolicy
	// Lint checks a post-mortem before it goes to review; nil means
	// lint.DocumentWithPeople over Render and the Store's directory of
	// people: the lint package's whole rule set.
	Lint LintFunc
	// Render writes a post-mortem as Markdown; nil means the built-in
	// template.
	Render func(w io.Writer, pm hindsight.Postmortem) error
	// Now is the clock; nil means the system clock.
	Now func() time.Time
	// Export writes the Markdown that GET …/postmortem.md serves for a
	// post-mortem (an imported document as written); approval keeps it as
	// the record. nil means Render.
	Export func(ctx context.Context, pm hindsight.Postmortem, w io.Writer) error
	// NewDraft builds the draft post-mortem of an incident by author, as
	// the server configures drafts; nil means postmortem.NewDraft with its
	// defaults.
	NewDraft func(inc hindsight.Incident, author string) hindsight.Document
	// DraftMinSeverity is the least severity of a declared incident that
	// gets a draft at once (severity.draft_min_severity); "" means none
	// does (CreatePostmortem still makes one).
	DraftMinSeverity hindsight.Severity
}

// NewService returns a service over store with the given policy and the
// default lint, renderer and clock.
func NewService(store hindsight.Store, policy hindsight.SignOffPolicy) *Service {
	return &Service{Store: store, Policy: policy}
}

// now returns the clock in UTC, to the microsecond as the store keeps it.
func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (s *Service) render(w io.Writer, pm hindsight.Postmortem) error {
	if s.Render != nil {
		return s.Render(w, pm)
	}
	return postmortem.Render(w, pm, nil)
}

func (s *Service) lint(ctx context.Context, pm hindsight.Postmortem) ([]hindsight.Finding, error) {
	if s.Lint != nil {
		return s.Lint(ctx, pm)
	}
	return lint.DocumentWithPeople(s.render, s.now, s.Store)(ctx, pm)
}

// requireIdentity returns the authenticated identity of ctx, or an
// EUNAUTHORIZED error for an anonymous caller.
func requireIdentity(ctx context.Context) (hindsight.Identity, error) {
	id, ok := hindsight.IdentityFromContext(ctx)
	if !ok {
		return id, hindsight.Errorf(hindsight.EUNAUTHORIZED, "sign in first: this change records who made it")
	}
	return id, nil
}

// writable returns the ECONFLICT error of a post-mortem that is a record
// (APPROVED or ARCHIVED: what says what was refused), nil otherwise (also
// when the incident has no post-mortem).
func writable(ctx context.Context, tx hindsight.Services, incidentID, what string) error {
	doc, err := tx.FindDocument(ctx, incidentID)
	if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	return doc.ClosedError(what)
}

func archivedError(doc *hindsight.Document) error {
	if doc.Status == hindsight.DocArchived {
		return hindsight.Errorf(hindsight.ECONFLICT, "the post-mortem of %s is ARCHIVED and read-only", doc.IncidentID)
	}
	return nil
}

// statusEvent is the timeline event of a status change by the context's actor.
func statusEvent(ctx context.Context, incidentID, what string, from, to, reason string, at time.Time) *hindsight.TimelineEvent {
	action := from + " → " + to
	if reason != "" {
		action += ": " + reason
	}
	return &hindsight.TimelineEvent{
		IncidentID: incidentID, Time: at, Type: hindsight.EventStatusChange,
		Event: what, Actor: hindsight.ActorFromContext(ctx), Action: action, Source: "user",
	}
}

// Clock returns the service's current time in UTC.
func (s *Service) Clock() time.Time { return s.now() }
