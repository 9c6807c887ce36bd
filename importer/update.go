package importer

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// updatePostmortem brings a stored incident in line with a changed source
// file. Every update carries the stored version, so a concurrent edit makes
// the file fail with a conflict instead of being overwritten; parts that
// did not change are left alone.
func updatePostmortem(ctx context.Context, tx hindsight.Services, stored *hindsight.Postmortem, pm hindsight.Postmortem) error {
	// The store lists events by time (then by creation, which followed the
	// document's order); the document by table. Compare in the store's order.
	pm.Timeline = slices.Clone(pm.Timeline)
	sort.SliceStable(pm.Timeline, func(i, j int) bool { return pm.Timeline[i].Time.Before(pm.Timeline[j].Time) })
	keepPrecise(stored, &pm)
	if err := updateIncident(ctx, tx, stored.Incident, pm.Incident); err != nil {
		return err
	}
	if err := updateDocument(ctx, tx, stored.Document, pm.Document); err != nil {
		return err
	}
	if err := syncTimeline(ctx, tx, stored.Timeline, pm.Timeline, stored.Incident.ID); err != nil {
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

// syncTimeline brings the stored timeline in line with the document's rows.
// Rows are matched by position when the count is the same (an edit changes
// that row only), else along their longest common run; events carry no
// version, each change is in the history.
func syncTimeline(ctx context.Context, tx hindsight.Services, stored, parsed []hindsight.TimelineEvent, id string) error {
	sk, pk := eventKeys(stored), eventKeys(parsed)
	if sameJSON(sk, pk) {
		return nil
	}
	match := make([]int, len(parsed))
	if len(stored) == len(parsed) {
		for i := range match {
			match[i] = i
		}
	} else {
		match = postmortem.MatchCommon(pk, sk)
	}
	used := make([]bool, len(stored))
	for i, j := range match {
		if j < 0 {
			if err := addEvents(ctx, tx, id, parsed[i:i+1]); err != nil {
				return err
			}
			continue
		}
		used[j] = true
		if pk[i] == sk[j] {
			continue
		}
		e := stored[j]
		e.Time, e.Type, e.Phase, e.Event, e.Actor, e.Action = parsed[i].Time, parsed[i].Type, parsed[i].Phase, parsed[i].Event, parsed[i].Actor, parsed[i].Action
		if err := tx.UpdateTimelineEvent(ctx, &e); err != nil {
			return stepError(err, "timeline row %d (%s)", i+1, e.Event)
		}
	}
	for j, e := range stored {
		if !used[j] {
			if err := tx.DeleteTimelineEvent(ctx, e.ID); err != nil {
				return stepError(err, "timeline event %d", e.ID)
			}
		}
	}
	return nil
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
		a.Owner = sameHandle(old.Owner, a.Owner)
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
		so.Signer = sameHandle(old.Signer, so.Signer)
		if sameJSON(so, old) {
			continue
		}
		if err := tx.UpdateSignOff(ctx, &so); err != nil {
			return stepError(err, "sign-off %q", so.Role.Label())
		}
	}
	return nil
}

// keepPrecise gives the document's times the stored precision: Markdown
// shows minutes (or seconds), the store keeps what Alertmanager sent, so a
// time whose shown minute matches the stored one keeps the stored instant.
func keepPrecise(stored *hindsight.Postmortem, pm *hindsight.Postmortem) {
	pm.Incident.StartedAt = sameShown(stored.Incident.StartedAt, pm.Incident.StartedAt)
	if stored.Incident.ResolvedAt != nil && pm.Incident.ResolvedAt != nil {
		t := sameShown(*stored.Incident.ResolvedAt, *pm.Incident.ResolvedAt)
		pm.Incident.ResolvedAt = &t
	}
	for i := range pm.Timeline {
		p := &pm.Timeline[i]
		if i < len(stored.Timeline) && shows(stored.Timeline[i].Time, p.Time) {
			p.Time = stored.Timeline[i].Time
			continue
		}
		for _, e := range stored.Timeline {
			if e.Event == p.Event && shows(e.Time, p.Time) {
				p.Time = e.Time
				break
			}
		}
	}
}

// sameShown returns stored when written shows it, else written.
func sameShown(stored, written time.Time) time.Time {
	if shows(stored, written) {
		return stored
	}
	return written
}

// shows reports whether written is stored as a document writes it: to the
// minute, or to the second when written has seconds.
func shows(stored, written time.Time) bool {
	if stored.IsZero() || written.IsZero() {
		return false
	}
	prec := time.Minute
	if written.Second() != 0 || written.Nanosecond() != 0 {
		prec = time.Second
	}
	return stored.UTC().Truncate(prec).Equal(written.UTC())
}

// sameHandle returns stored when written names the same person ("@ana" and
// "ana"), so that a re-import changes no owner it did not edit.
func sameHandle(stored, written string) string {
	if strings.TrimLeft(stored, "@") == strings.TrimLeft(written, "@") {
		return stored
	}
	return written
}
