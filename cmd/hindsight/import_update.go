package main

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// updatePostmortem brings a stored incident in line with a changed source
// file. Every update carries the stored version, so a concurrent edit makes
// the file fail with a conflict instead of being overwritten; parts that
// did not change are left alone.
func updatePostmortem(ctx context.Context, tx hindsight.Services, stored *hindsight.Postmortem, pm hindsight.Postmortem) error {
	if err := updateIncident(ctx, tx, stored.Incident, pm.Incident); err != nil {
		return err
	}
	if err := updateDocument(ctx, tx, stored.Document, pm.Document); err != nil {
		return err
	}
	if err := replaceTimeline(ctx, tx, stored.Timeline, pm.Timeline, stored.Incident.ID); err != nil {
		return err
	}
	if err := syncActions(ctx, tx, stored.Actions, pm.Actions, stored.Incident.ID); err != nil {
		return err
	}
	return syncSignOffs(ctx, tx, stored.SignOffs, pm.SignOffs, stored.Incident.ID)
}

// updateIncident replaces the incident's facts with the document's, keeping
// what a document does not carry (alert group, labels, alert name).
func updateIncident(ctx context.Context, tx hindsight.Services, stored, parsed hindsight.Incident) error {
	inc := parsed
	inc.CreatedAt, inc.UpdatedAt, inc.Version = stored.CreatedAt, stored.UpdatedAt, stored.Version
	inc.GroupKey = stored.GroupKey
	if inc.AlertName == "" {
		inc.AlertName = stored.AlertName
	}
	if inc.Labels == nil {
		inc.Labels = stored.Labels
	}
	if inc.Description == "" {
		inc.Description = stored.Description
	}
	if sameJSON(inc, stored) {
		return nil
	}
	if err := tx.UpdateIncident(ctx, &inc, stored.Version); err != nil {
		return err
	}
	return nil
}

// updateDocument replaces the narrative, status and review date, or creates
// the document when the incident had none.
func updateDocument(ctx context.Context, tx hindsight.Services, stored, parsed hindsight.Document) error {
	if parsed.Status == "" {
		return nil
	}
	doc := parsed
	doc.IncidentID = stored.IncidentID
	if stored.Version == 0 {
		doc.IncidentID = parsed.IncidentID
		if err := tx.CreateDocument(ctx, &doc); err != nil {
			return stepError(err, "document")
		}
		return nil
	}
	doc.Version, doc.UpdatedAt, doc.UpdatedBy = stored.Version, stored.UpdatedAt, stored.UpdatedBy
	if sameJSON(doc, stored) {
		return nil
	}
	if err := tx.UpdateDocument(ctx, &doc, stored.Version); err != nil {
		return stepError(err, "document")
	}
	return nil
}

// eventKey is what a timeline row shows; the rest is bookkeeping.
type eventKey struct {
	Time                 time.Time
	Type                 hindsight.EventType
	Phase                hindsight.Phase
	Event, Actor, Action string
}

func eventKeys(events []hindsight.TimelineEvent) []eventKey {
	out := make([]eventKey, len(events))
	for i, e := range events {
		out[i] = eventKey{e.Time.UTC(), e.Type, e.TablePhase(), e.Event, e.Actor, e.Action}
	}
	return out
}

// replaceTimeline replaces the stored timeline with the document's when the
// rows differ. Events carry no version; each change is in the history.
func replaceTimeline(ctx context.Context, tx hindsight.Services, stored, parsed []hindsight.TimelineEvent, id string) error {
	if sameJSON(eventKeys(stored), eventKeys(parsed)) {
		return nil
	}
	for _, e := range stored {
		if err := tx.DeleteTimelineEvent(ctx, e.ID); err != nil {
			return stepError(err, "timeline event %d", e.ID)
		}
	}
	return addEvents(ctx, tx, id, parsed)
}

// syncActions matches action items by position: the document lists them in
// the order the store returns them. Changed items are updated at their
// stored version, new ones created and those gone from the file deleted.
func syncActions(ctx context.Context, tx hindsight.Services, stored, parsed []hindsight.ActionItem, id string) error {
	for i := range parsed {
		if i >= len(stored) {
			if err := createAction(ctx, tx, id, parsed[i]); err != nil {
				return err
			}
			continue
		}
		a, old := parsed[i], stored[i]
		a.ID, a.IncidentID, a.CreatedAt, a.UpdatedAt, a.Version = old.ID, id, old.CreatedAt, old.UpdatedAt, old.Version
		if a.CompletedAt == nil {
			a.CompletedAt = old.CompletedAt
		}
		if sameJSON(a, old) {
			continue
		}
		if err := tx.UpdateActionItem(ctx, &a, old.Version); err != nil {
			return stepError(err, "action item %q", a.Title)
		}
	}
	for _, old := range stored[min(len(parsed), len(stored)):] {
		if err := tx.DeleteActionItem(ctx, old.ID, old.Version); err != nil {
			return stepError(err, "action item %q", old.Title)
		}
	}
	return nil
}

// syncSignOffs updates each role's sign-off and adds missing roles. A role
// that disappeared from the file is kept: sign-offs are never deleted.
func syncSignOffs(ctx context.Context, tx hindsight.Services, stored, parsed []hindsight.SignOff, id string) error {
	byRole := make(map[hindsight.SignOffRole]hindsight.SignOff, len(stored))
	for _, so := range stored {
		byRole[so.Role] = so
	}
	for _, so := range parsed {
		so.IncidentID = id
		old, ok := byRole[so.Role]
		if !ok {
			so.ID = 0
			if err := tx.CreateSignOff(ctx, &so); err != nil {
				return stepError(err, "sign-off %q", so.Role.Label())
			}
			continue
		}
		so.ID = old.ID
		if sameJSON(so, old) {
			continue
		}
		if err := tx.UpdateSignOff(ctx, &so); err != nil {
			return stepError(err, "sign-off %q", so.Role.Label())
		}
	}
	return nil
}
