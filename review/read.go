package review

import (
	"context"

	"github.com/hindsight-sre/hindsight"
)

// Timeline returns an incident's timeline events ordered by time. Errors:
// ENOTFOUND.
func (s *Service) Timeline(ctx context.Context, incidentID string) ([]*hindsight.TimelineEvent, error) {
	return s.Store.FindTimeline(ctx, incidentID)
}

// AddTimelineEvent appends an event to an incident's timeline; an empty
// source is "user". Errors: EINVALID, ENOTFOUND, ECONFLICT (ARCHIVED
// post-mortem).
func (s *Service) AddTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error {
	if e.Source == "" {
		e.Source = "user"
	}
	return s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		if _, err := tx.FindIncidentByID(ctx, e.IncidentID); err != nil {
			return err
		}
		if err := writable(ctx, tx, e.IncidentID, "its timeline is read-only"); err != nil {
			return err
		}
		return tx.AddTimelineEvent(ctx, e)
	})
}

// Revisions returns one page of an incident's history, oldest first, and
// the total. Errors: ENOTFOUND.
func (s *Service) Revisions(ctx context.Context, incidentID string, p hindsight.Page) ([]*hindsight.Revision, int, error) {
	if _, err := s.Store.FindIncidentByID(ctx, incidentID); err != nil {
		return nil, 0, err
	}
	revs, n, err := s.Store.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: incidentID, Page: p})
	if revs == nil {
		revs = []*hindsight.Revision{}
	}
	return revs, n, err
}

// Action returns one action item. Errors: ENOTFOUND.
func (s *Service) Action(ctx context.Context, id int64) (*hindsight.ActionItem, error) {
	return s.Store.FindActionItemByID(ctx, id)
}
