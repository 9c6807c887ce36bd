package sqlstore

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// The Store's service methods each run one transaction around the Tx method
// of the same name: reads in a read-only snapshot, writes in a write
// transaction. See hindsight.Services for what each returns.

// FindIncidentByID returns one incident.
func (s *Store) FindIncidentByID(ctx context.Context, id string) (inc *hindsight.Incident, err error) {
	err = s.view(ctx, func(tx *Tx) error { inc, err = tx.FindIncidentByID(ctx, id); return err })
	return inc, err
}

// FindIncidents returns one page of incidents and the total that match.
func (s *Store) FindIncidents(ctx context.Context, f hindsight.IncidentFilter) (out []*hindsight.Incident, n int, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, n, err = tx.FindIncidents(ctx, f); return err })
	return out, n, err
}

// CreateIncident stores a new incident.
func (s *Store) CreateIncident(ctx context.Context, inc *hindsight.Incident) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateIncident(ctx, inc) })
}

// UpdateIncident replaces an incident still at expectedVersion.
func (s *Store) UpdateIncident(ctx context.Context, inc *hindsight.Incident, expectedVersion int) error {
	return s.update(ctx, func(tx *Tx) error { return tx.UpdateIncident(ctx, inc, expectedVersion) })
}

// FindPostmortem returns an incident with everything its document shows.
func (s *Store) FindPostmortem(ctx context.Context, incidentID string) (pm *hindsight.Postmortem, err error) {
	err = s.view(ctx, func(tx *Tx) error { pm, err = tx.FindPostmortem(ctx, incidentID); return err })
	return pm, err
}

// FindDocument returns the document of an incident.
func (s *Store) FindDocument(ctx context.Context, incidentID string) (d *hindsight.Document, err error) {
	err = s.view(ctx, func(tx *Tx) error { d, err = tx.FindDocument(ctx, incidentID); return err })
	return d, err
}

// CreateDocument stores the first document of an incident.
func (s *Store) CreateDocument(ctx context.Context, d *hindsight.Document) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateDocument(ctx, d) })
}

// UpdateDocument replaces a document still at expectedVersion.
func (s *Store) UpdateDocument(ctx context.Context, d *hindsight.Document, expectedVersion int) error {
	return s.update(ctx, func(tx *Tx) error { return tx.UpdateDocument(ctx, d, expectedVersion) })
}

// FindTimeline returns an incident's events.
func (s *Store) FindTimeline(ctx context.Context, incidentID string) (out []*hindsight.TimelineEvent, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindTimeline(ctx, incidentID); return err })
	return out, err
}

// AddTimelineEvent appends an event.
func (s *Store) AddTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error {
	return s.update(ctx, func(tx *Tx) error { return tx.AddTimelineEvent(ctx, e) })
}

// UpdateTimelineEvent replaces an event.
func (s *Store) UpdateTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error {
	return s.update(ctx, func(tx *Tx) error { return tx.UpdateTimelineEvent(ctx, e) })
}

// DeleteTimelineEvent removes an event.
func (s *Store) DeleteTimelineEvent(ctx context.Context, id int64) error {
	return s.update(ctx, func(tx *Tx) error { return tx.DeleteTimelineEvent(ctx, id) })
}

// FindActionItemByID returns one action item.
func (s *Store) FindActionItemByID(ctx context.Context, id int64) (a *hindsight.ActionItem, err error) {
	err = s.view(ctx, func(tx *Tx) error { a, err = tx.FindActionItemByID(ctx, id); return err })
	return a, err
}

// FindActionItems returns one page of action items and the total.
func (s *Store) FindActionItems(ctx context.Context, f hindsight.ActionFilter) (out []*hindsight.ActionItem, n int, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, n, err = tx.FindActionItems(ctx, f); return err })
	return out, n, err
}

// CreateActionItem stores a new action item.
func (s *Store) CreateActionItem(ctx context.Context, a *hindsight.ActionItem) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateActionItem(ctx, a) })
}

// UpdateActionItem replaces an item still at expectedVersion.
func (s *Store) UpdateActionItem(ctx context.Context, a *hindsight.ActionItem, expectedVersion int) error {
	return s.update(ctx, func(tx *Tx) error { return tx.UpdateActionItem(ctx, a, expectedVersion) })
}

// DeleteActionItem removes an item still at expectedVersion.
func (s *Store) DeleteActionItem(ctx context.Context, id int64, expectedVersion int) error {
	return s.update(ctx, func(tx *Tx) error { return tx.DeleteActionItem(ctx, id, expectedVersion) })
}

// FindSignOffs returns an incident's sign-offs.
func (s *Store) FindSignOffs(ctx context.Context, incidentID string) (out []*hindsight.SignOff, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindSignOffs(ctx, incidentID); return err })
	return out, err
}

// CreateSignOff stores a sign-off.
func (s *Store) CreateSignOff(ctx context.Context, so *hindsight.SignOff) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateSignOff(ctx, so) })
}

// UpdateSignOff replaces a sign-off.
func (s *Store) UpdateSignOff(ctx context.Context, so *hindsight.SignOff) error {
	return s.update(ctx, func(tx *Tx) error { return tx.UpdateSignOff(ctx, so) })
}

// FindRevisions returns one page of revisions and the total.
func (s *Store) FindRevisions(ctx context.Context, f hindsight.RevisionFilter) (out []*hindsight.Revision, n int, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, n, err = tx.FindRevisions(ctx, f); return err })
	return out, n, err
}

// Search returns one page of matching incidents and the total.
func (s *Store) Search(ctx context.Context, q hindsight.SearchQuery) (out []*hindsight.SearchResult, n int, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, n, err = tx.Search(ctx, q); return err })
	return out, n, err
}

// RecordNotification stores a notification, refusing a duplicate.
func (s *Store) RecordNotification(ctx context.Context, n *hindsight.AlertNotification) error {
	return s.update(ctx, func(tx *Tx) error { return tx.RecordNotification(ctx, n) })
}

// PruneNotifications deletes notifications received before cutoff.
func (s *Store) PruneNotifications(ctx context.Context, cutoff time.Time) (n int64, err error) {
	err = s.update(ctx, func(tx *Tx) error { n, err = tx.PruneNotifications(ctx, cutoff); return err })
	return n, err
}

// LockAlertGroups has no lasting effect outside WithTx; it is here so that
// the Store offers every service.
func (s *Store) LockAlertGroups(ctx context.Context, groupKeys ...string) error {
	return s.update(ctx, func(tx *Tx) error { return tx.LockAlertGroups(ctx, groupKeys...) })
}

// RecordedNotifications reports which fingerprints are recorded.
func (s *Store) RecordedNotifications(ctx context.Context, fingerprints ...string) (found map[string]bool, err error) {
	err = s.view(ctx, func(tx *Tx) error { found, err = tx.RecordedNotifications(ctx, fingerprints...); return err })
	return found, err
}

// AlertGroupsWithIncidents reports which of the groups have an incident.
func (s *Store) AlertGroupsWithIncidents(ctx context.Context, groupKeys ...string) (with map[string]bool, err error) {
	err = s.view(ctx, func(tx *Tx) error { with, err = tx.AlertGroupsWithIncidents(ctx, groupKeys...); return err })
	return with, err
}

// FindOpenIncidentByGroupKey returns the group's latest open incident.
func (s *Store) FindOpenIncidentByGroupKey(ctx context.Context, groupKey string, reopenAfter time.Time) (inc *hindsight.Incident, err error) {
	err = s.view(ctx, func(tx *Tx) error { inc, err = tx.FindOpenIncidentByGroupKey(ctx, groupKey, reopenAfter); return err })
	return inc, err
}

// UpsertAlertState stores an alert's state and reports a status change.
func (s *Store) UpsertAlertState(ctx context.Context, a *hindsight.AlertState) (changed bool, err error) {
	err = s.update(ctx, func(tx *Tx) error { changed, err = tx.UpsertAlertState(ctx, a); return err })
	return changed, err
}

// FindAlertStates returns an incident's alert states.
func (s *Store) FindAlertStates(ctx context.Context, incidentID string) (out []*hindsight.AlertState, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindAlertStates(ctx, incidentID); return err })
	return out, err
}

// CreateToken stores a token's hash.
func (s *Store) CreateToken(ctx context.Context, t *hindsight.APIToken) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateToken(ctx, t) })
}

// FindTokenByHash returns a token and records its use at most once per
// hindsight.TokenUseInterval: most calls are a read, and only a due one
// takes a write transaction. An expired token is an EUNAUTHORIZED error.
func (s *Store) FindTokenByHash(ctx context.Context, hash string) (t *hindsight.APIToken, err error) {
	err = s.view(ctx, func(tx *Tx) error { t, err = tx.findTokenByHash(ctx, hash); return err })
	if err != nil {
		return nil, err
	}
	if t.Expired(s.now()) {
		return nil, t.ExpiredError()
	}
	if !tokenUseDue(t, s.now()) {
		return t, nil
	}
	err = s.update(ctx, func(tx *Tx) error { return tx.recordTokenUse(ctx, t) })
	return t, err
}

// FindTokens returns every token.
func (s *Store) FindTokens(ctx context.Context) (out []*hindsight.APIToken, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindTokens(ctx); return err })
	return out, err
}

// DeleteToken removes a token.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	return s.update(ctx, func(tx *Tx) error { return tx.DeleteToken(ctx, id) })
}
