package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// EntityFollowUp is the revision entity of a computed follow-up.
const EntityFollowUp = "follow_up"

var (
	_ hindsight.FollowUpService = (*Store)(nil)
	_ hindsight.FollowUpService = (*Tx)(nil)
)

// FindFollowUp returns the follow-up of an incident.
func (tx *Tx) FindFollowUp(ctx context.Context, incidentID string) (*hindsight.FollowUp, error) {
	var data string
	err := tx.queryRow(ctx, "SELECT data FROM follow_ups WHERE incident_id = ?", incidentID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("follow-up of incident", incidentID)
	} else if err != nil {
		return nil, tx.d.mapError(err)
	}
	var f hindsight.FollowUp
	if err := fromJSON(data, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// SaveFollowUp stores a follow-up, replacing the incident's earlier one.
func (tx *Tx) SaveFollowUp(ctx context.Context, f *hindsight.FollowUp) error {
	if err := tx.lockToSave(ctx, f.IncidentID, "follow-up"); err != nil {
		return err
	}
	if f.ComputedAt.IsZero() {
		f.ComputedAt = tx.now
	}
	f.ComputedAt, f.Since, f.Until = normalize(f.ComputedAt), normalize(f.Since), normalize(f.Until)
	before, err := noneAsNil(tx.FindFollowUp(ctx, f.IncidentID))
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO follow_ups (incident_id, computed_at, data) VALUES (?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET computed_at = EXCLUDED.computed_at, data = EXCLUDED.data`,
		f.IncidentID, ts(f.ComputedAt), jsonText(f)); err != nil {
		return err
	}
	var prev any
	if before != nil {
		prev = before
	}
	return tx.record(ctx, f.IncidentID, EntityFollowUp, f.IncidentID, 0, prev, f)
}

// FindIncidentsDueFollowUp returns resolved incidents without a follow-up.
func (tx *Tx) FindIncidentsDueFollowUp(ctx context.Context, resolvedBefore time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		limit = hindsight.DefaultPageLimit
	}
	return tx.queryStrings(ctx, `SELECT i.id FROM incidents i
		WHERE i.status = ? AND i.resolved_at IS NOT NULL AND i.resolved_at <= ?
		AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.incident_id = i.id)
		ORDER BY i.resolved_at, i.seq LIMIT ?`, string(hindsight.IncidentResolved), ts(resolvedBefore), limit)
}

// FindFollowUp returns the follow-up of an incident.
func (s *Store) FindFollowUp(ctx context.Context, incidentID string) (f *hindsight.FollowUp, err error) {
	err = s.view(ctx, func(tx *Tx) error { f, err = tx.FindFollowUp(ctx, incidentID); return err })
	return f, err
}

// SaveFollowUp stores a follow-up, replacing the incident's earlier one.
func (s *Store) SaveFollowUp(ctx context.Context, f *hindsight.FollowUp) error {
	return s.update(ctx, func(tx *Tx) error { return tx.SaveFollowUp(ctx, f) })
}

// FindIncidentsDueFollowUp returns resolved incidents without a follow-up.
func (s *Store) FindIncidentsDueFollowUp(ctx context.Context, resolvedBefore time.Time, limit int) (ids []string, err error) {
	err = s.view(ctx, func(tx *Tx) error { ids, err = tx.FindIncidentsDueFollowUp(ctx, resolvedBefore, limit); return err })
	return ids, err
}
