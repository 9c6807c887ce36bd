package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var _ hindsight.AcknowledgementService = (*Tx)(nil)

// pagingAckCols are the columns of paging_acks in the order of
// pagingAckArgs and scanPagingAck.
const pagingAckCols = "incident_id, source, ref, actor, at, comment, resolved, created_at"

func pagingAckArgs(a *hindsight.Acknowledgement) []any {
	return []any{a.IncidentID, string(a.Source), a.Ref, a.Actor, ts(a.At), a.Comment, a.Resolved, ts(a.CreatedAt)}
}

func scanPagingAck(sc scanner) (*hindsight.Acknowledgement, error) {
	var a hindsight.Acknowledgement
	var at, created sql.NullInt64
	if err := sc.Scan(&a.IncidentID, &a.Source, &a.Ref, &a.Actor, &at, &a.Comment, &a.Resolved, &created); err != nil {
		return nil, err
	}
	a.At, a.CreatedAt = fromTS(at), fromTS(created)
	return &a, nil
}

// RecordAcknowledgement stores a under its incident's row lock unless the
// incident already has one from the same source and reference: the insert
// does nothing on a conflict, so the answer is ECONFLICT without aborting
// the transaction, and of two instances recording the same silence exactly
// one stores it.
func (tx *Tx) RecordAcknowledgement(ctx context.Context, a *hindsight.Acknowledgement) error {
	a.At = normalize(a.At)
	if err := a.Validate(); err != nil {
		return err
	}
	if _, _, err := tx.lockIncident(ctx, a.IncidentID); err != nil {
		return err
	}
	a.CreatedAt = tx.now
	n, err := tx.execCount(ctx, "INSERT INTO paging_acks ("+pagingAckCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		pagingAckArgs(a)...)
	if err != nil {
		return err
	}
	if n == 0 {
		return hindsight.Errorf(hindsight.ECONFLICT, "incident %s already has the acknowledgement %s %s", a.IncidentID, a.Source, a.Ref)
	}
	return nil
}

// FindAcknowledgements returns an incident's acknowledgements, oldest first.
func (tx *Tx) FindAcknowledgements(ctx context.Context, incidentID string) ([]*hindsight.Acknowledgement, error) {
	rows, err := tx.query(ctx, "SELECT "+pagingAckCols+" FROM paging_acks WHERE incident_id = ? ORDER BY at, source, ref", incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.Acknowledgement{}
	for rows.Next() {
		a, err := scanPagingAck(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, tx.d.mapError(rows.Err())
}

// FindPageableIncidents returns the incidents not resolved, or resolved at
// or after resolvedAfter, each with its alerts, in one query.
func (tx *Tx) FindPageableIncidents(ctx context.Context, resolvedAfter time.Time) ([]*hindsight.PageableIncident, error) {
	q := `SELECT i.id, i.started_at, i.resolved_at, i.group_key,
		a.alert_key, a.labels, a.status, a.starts_at, a.ends_at, a.updated_at
		FROM incidents i LEFT JOIN alert_states a ON a.incident_id = i.id
		WHERE i.resolved_at IS NULL`
	var args []any
	if !resolvedAfter.IsZero() {
		q += " OR i.resolved_at >= ?"
		args = append(args, ts(resolvedAfter))
	}
	rows, err := tx.query(ctx, q+" ORDER BY i.started_at, i.seq, a.alert_key", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.PageableIncident{}
	for rows.Next() {
		p, st, err := scanPageableRow(rows)
		if err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != p.ID {
			out = append(out, p)
		}
		if st != nil {
			last := out[len(out)-1]
			last.Alerts = append(last.Alerts, st)
		}
	}
	return out, tx.d.mapError(rows.Err())
}

// scanPageableRow reads one incident-and-alert row; the alert is nil for an
// incident without alerts.
func scanPageableRow(sc scanner) (*hindsight.PageableIncident, *hindsight.AlertState, error) {
	var p hindsight.PageableIncident
	var started, resolved, starts, ends, updated sql.NullInt64
	var key, labels, status sql.NullString
	if err := sc.Scan(&p.ID, &started, &resolved, &p.GroupKey, &key, &labels, &status, &starts, &ends, &updated); err != nil {
		return nil, nil, err
	}
	p.StartedAt, p.ResolvedAt = fromTS(started), fromTSPtr(resolved)
	if !key.Valid {
		return &p, nil, nil
	}
	st := &hindsight.AlertState{IncidentID: p.ID, AlertKey: key.String, Status: hindsight.AlertStatus(status.String),
		StartsAt: fromTS(starts), EndsAt: fromTSPtr(ends), UpdatedAt: fromTS(updated)}
	return &p, st, fromJSON(labels.String, &st.Labels)
}

// RecordAcknowledgement stores a in a transaction of its own.
func (s *Store) RecordAcknowledgement(ctx context.Context, a *hindsight.Acknowledgement) error {
	return s.update(ctx, func(tx *Tx) error { return tx.RecordAcknowledgement(ctx, a) })
}

// FindAcknowledgements returns an incident's acknowledgements, oldest first.
func (s *Store) FindAcknowledgements(ctx context.Context, incidentID string) (out []*hindsight.Acknowledgement, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindAcknowledgements(ctx, incidentID); return err })
	return out, err
}

// FindPageableIncidents returns the incidents an on-call tool may
// acknowledge, with their alerts.
func (s *Store) FindPageableIncidents(ctx context.Context, resolvedAfter time.Time) (out []*hindsight.PageableIncident, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindPageableIncidents(ctx, resolvedAfter); return err })
	return out, err
}
