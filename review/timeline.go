package review

import (
	"context"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// UpdateTimelineEvent replaces the time, type, event, actor and action of
// event id on incident incidentID with those of e; the event keeps its
// incident, source and creator, and history records the change. Errors:
// EINVALID, ENOTFOUND (no such event on that incident), ECONFLICT
// (ARCHIVED post-mortem).
func (s *Service) UpdateTimelineEvent(ctx context.Context, incidentID string, id int64, e hindsight.TimelineEvent) (*hindsight.TimelineEvent, error) {
	var out *hindsight.TimelineEvent
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		events, err := tx.FindTimeline(ctx, incidentID)
		if err != nil {
			return err
		}
		var cur *hindsight.TimelineEvent
		for _, ev := range events {
			if ev.ID == id {
				cur = ev
			}
		}
		if cur == nil {
			return hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no timeline event %d", incidentID, id)
		}
		if err := writable(ctx, tx, incidentID, "its timeline is read-only"); err != nil {
			return err
		}
		cur.Time, cur.Type, cur.Phase = e.Time, e.Type, e.Phase
		cur.Event, cur.Actor, cur.Action = strings.TrimSpace(e.Event), strings.TrimSpace(e.Actor), strings.TrimSpace(e.Action)
		if err := tx.UpdateTimelineEvent(ctx, cur); err != nil {
			return err
		}
		out = cur
		return nil
	})
	return out, err
}
