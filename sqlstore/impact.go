package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// EntityImpact is the revision entity of a computed impact.
const EntityImpact = "impact"

var (
	_ hindsight.ImpactService = (*Store)(nil)
	_ hindsight.ImpactService = (*Tx)(nil)
)

// impactCols are the columns of the impacts table, in scan order.
const impactCols = "incident_id, impact, computed_at, attempts, needs_retry, retry_after"

// FindImpact returns the stored impact of an incident.
func (tx *Tx) FindImpact(ctx context.Context, incidentID string) (*hindsight.ImpactRecord, error) {
	r, err := scanImpact(tx.queryRow(ctx, "SELECT "+impactCols+" FROM impacts WHERE incident_id = ?", incidentID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("impact of incident", incidentID)
	}
	if err != nil {
		return nil, tx.d.mapError(err)
	}
	return r, nil
}

// scanImpact reads one row of impactCols.
func scanImpact(sc scanner) (*hindsight.ImpactRecord, error) {
	var r hindsight.ImpactRecord
	var data string
	var computed, retry sql.NullInt64
	if err := sc.Scan(&r.IncidentID, &data, &computed, &r.Attempts, &r.NeedsRetry, &retry); err != nil {
		return nil, err
	}
	r.ComputedAt = fromTS(computed)
	if retry.Valid && retry.Int64 != 0 {
		r.RetryAfter = fromTS(retry)
	}
	if err := fromJSON(data, &r.Impact); err != nil {
		return nil, err
	}
	return &r, nil
}

// SaveImpact stores an impact, replacing the incident's earlier one. The
// impact of an APPROVED or ARCHIVED post-mortem is part of the record:
// every path that measures (the worker, the API, the CLI) ends here, and
// is refused.
func (tx *Tx) SaveImpact(ctx context.Context, r *hindsight.ImpactRecord) error {
	if err := tx.lockToSave(ctx, r.IncidentID, "impact"); err != nil {
		return err
	}
	if doc, err := noneAsNil(tx.FindDocument(ctx, r.IncidentID)); err != nil {
		return err
	} else if err := doc.ClosedError("its impact is not remeasured"); err != nil {
		return err
	}
	if r.ComputedAt.IsZero() {
		r.ComputedAt = tx.now
	}
	r.ComputedAt = normalize(r.ComputedAt)
	if !r.RetryAfter.IsZero() {
		r.RetryAfter = normalize(r.RetryAfter)
	}
	before, err := noneAsNil(tx.FindImpact(ctx, r.IncidentID))
	if err != nil {
		return err
	}
	if err := tx.upsertImpact(ctx, r); err != nil {
		return err
	}
	var prev any
	if before != nil {
		prev = before
	}
	return tx.record(ctx, r.IncidentID, EntityImpact, r.IncidentID, 0, prev, r)
}

// upsertImpact writes r as it is.
func (tx *Tx) upsertImpact(ctx context.Context, r *hindsight.ImpactRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO impacts (`+impactCols+`, impact_start) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET impact = EXCLUDED.impact, computed_at = EXCLUDED.computed_at,
		attempts = EXCLUDED.attempts, needs_retry = EXCLUDED.needs_retry, retry_after = EXCLUDED.retry_after,
		impact_start = EXCLUDED.impact_start`,
		r.IncidentID, jsonText(r.Impact), ts(r.ComputedAt), r.Attempts, r.NeedsRetry, retryTS(r.RetryAfter),
		impactStartTS(r.Impact.ImpactStart))
	return err
}

// impactStartTS is the measured impact start as the impact_start column
// keeps it (the dashboard's Time to Detect starts there), NULL when not
// measured.
func impactStartTS(f hindsight.Figure) any {
	if !f.Measured || f.At.IsZero() {
		return nil
	}
	return ts(f.At)
}

// retryTS stores a zero retry time as 0, so that the column stays NOT NULL.
func retryTS(t time.Time) any {
	if t.IsZero() {
		return int64(0)
	}
	return ts(t)
}

// FindIncidentsNeedingImpact returns resolved incidents without an impact,
// with one computed before the resolution (while the incident was open),
// or whose impact has a retry due at or before now.
func (tx *Tx) FindIncidentsNeedingImpact(ctx context.Context, now time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		limit = hindsight.DefaultPageLimit
	}
	return tx.queryStrings(ctx, `SELECT i.id FROM incidents i LEFT JOIN impacts m ON m.incident_id = i.id
		LEFT JOIN documents d ON d.incident_id = i.id
		WHERE i.status = ? AND i.resolved_at IS NOT NULL AND (d.status IS NULL OR d.status NOT IN ('APPROVED', 'ARCHIVED'))
		AND (m.incident_id IS NULL OR m.computed_at < i.resolved_at OR (m.needs_retry = ? AND m.retry_after <= ?))
		ORDER BY i.resolved_at, i.seq LIMIT ?`, string(hindsight.IncidentResolved), true, ts(now), limit)
}

// FindImpact returns the stored impact of an incident.
func (s *Store) FindImpact(ctx context.Context, incidentID string) (r *hindsight.ImpactRecord, err error) {
	err = s.view(ctx, func(tx *Tx) error { r, err = tx.FindImpact(ctx, incidentID); return err })
	return r, err
}

// SaveImpact stores an impact, replacing the incident's earlier one.
func (s *Store) SaveImpact(ctx context.Context, r *hindsight.ImpactRecord) error {
	return s.update(ctx, func(tx *Tx) error { return tx.SaveImpact(ctx, r) })
}

// FindIncidentsNeedingImpact returns resolved incidents without an impact,
// or whose impact has a retry due at or before now.
func (s *Store) FindIncidentsNeedingImpact(ctx context.Context, now time.Time, limit int) (ids []string, err error) {
	err = s.view(ctx, func(tx *Tx) error { ids, err = tx.FindIncidentsNeedingImpact(ctx, now, limit); return err })
	return ids, err
}

// lockToSave checks that a per-incident record (an impact, a follow-up)
// names its incident and locks that incident for the rest of the
// transaction. Errors: EINVALID (no incident ID), ENOTFOUND.
func (tx *Tx) lockToSave(ctx context.Context, incidentID, what string) error {
	if strings.TrimSpace(incidentID) == "" {
		var v hindsight.Validation
		v.Add("incident_id", "is required")
		return v.Err(what)
	}
	_, _, err := tx.lockIncident(ctx, incidentID)
	return err
}
