package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// RecordNotification stores a notification; a second one with the same
// fingerprint is refused by the unique index, atomically, on both engines.
func (tx *Tx) RecordNotification(ctx context.Context, n *hindsight.AlertNotification) error {
	if err := n.Validate(); err != nil {
		return err
	}
	n.ReceivedAt = normalize(n.ReceivedAt)
	if err := tx.insertNotification(ctx, n); err != nil {
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			return hindsight.Errorf(hindsight.ECONFLICT, "duplicate notification %s", n.Fingerprint)
		}
		return err
	}
	return nil
}

const notificationCols = "fingerprint, group_key, body, received_at, incident_id"

func notificationArgs(n *hindsight.AlertNotification) []any {
	body := n.Body
	if body == nil {
		body = []byte{}
	}
	var incident any
	if n.IncidentID != "" {
		incident = n.IncidentID
	}
	return []any{n.Fingerprint, n.GroupKey, body, ts(n.ReceivedAt), incident}
}

func (tx *Tx) insertNotification(ctx context.Context, n *hindsight.AlertNotification) error {
	if n.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO alert_notifications (id, "+notificationCols+") VALUES (?, ?, ?, ?, ?, ?)",
			append([]any{n.ID}, notificationArgs(n)...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO alert_notifications ("+notificationCols+") VALUES (?, ?, ?, ?, ?) RETURNING id",
		notificationArgs(n)...).Scan(&n.ID)
	return tx.d.mapError(err)
}

// AttachNotification links a notification to its incident.
func (tx *Tx) AttachNotification(ctx context.Context, notificationID int64, incidentID string) error {
	if n, err := tx.count(ctx, "SELECT COUNT(*) FROM incidents WHERE id = ?", incidentID); err != nil {
		return err
	} else if n == 0 {
		return notFound("incident", incidentID)
	}
	r, err := tx.exec(ctx, "UPDATE alert_notifications SET incident_id = ? WHERE id = ?", incidentID, notificationID)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return notFound("notification", notificationID)
	}
	return nil
}

// PruneNotifications deletes notifications received before cutoff.
func (tx *Tx) PruneNotifications(ctx context.Context, cutoff time.Time) (int64, error) {
	r, err := tx.exec(ctx, "DELETE FROM alert_notifications WHERE received_at < ?", ts(cutoff))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// LockAlertGroup takes a transaction-scoped lock on a group key. SQLite needs
// none: a write transaction holds the database's only write lock.
func (tx *Tx) LockAlertGroup(ctx context.Context, groupKey string) error {
	if tx.d.lockGroup == "" {
		return nil
	}
	_, err := tx.exec(ctx, tx.d.lockGroup, groupKey)
	return err
}

// FindOpenIncidentByGroupKey returns the group's latest open incident. The
// condition that group_key is not empty lets the engines use the partial index
// incidents_group_key (SQLite cannot prove it of a bound parameter), and
// keeps incidents opened by hand, which have no group, out.
func (tx *Tx) FindOpenIncidentByGroupKey(ctx context.Context, groupKey string, reopenAfter time.Time) (*hindsight.Incident, error) {
	q := incidentSelect + " WHERE i.group_key = ? AND i.group_key <> '' AND (i.status <> ?"
	args := []any{groupKey, string(hindsight.IncidentResolved)}
	if !reopenAfter.IsZero() {
		q += " OR i.resolved_at >= ?"
		args = append(args, ts(reopenAfter))
	}
	inc, err := scanIncident(tx.queryRow(ctx, q+") ORDER BY i.started_at DESC, i.seq DESC LIMIT 1", args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no open incident for alert group %s", groupKey)
	}
	return inc, tx.d.mapError(err)
}

const alertStateCols = "incident_id, alert_key, labels, status, starts_at, ends_at, updated_at"

func alertStateArgs(a *hindsight.AlertState) []any {
	return []any{a.IncidentID, a.AlertKey, jsonText(a.Labels), string(a.Status), ts(a.StartsAt), tsPtr(a.EndsAt), ts(a.UpdatedAt)}
}

func scanAlertState(sc scanner) (*hindsight.AlertState, error) {
	var a hindsight.AlertState
	var labels string
	var starts, ends, updated sql.NullInt64
	if err := sc.Scan(&a.IncidentID, &a.AlertKey, &labels, &a.Status, &starts, &ends, &updated); err != nil {
		return nil, err
	}
	a.StartsAt, a.EndsAt, a.UpdatedAt = fromTS(starts), fromTSPtr(ends), fromTS(updated)
	return &a, fromJSON(labels, &a.Labels)
}

// UpsertAlertState stores an alert's state under its incident's row lock, so
// that of two processes seeing the same transition exactly one reports it.
func (tx *Tx) UpsertAlertState(ctx context.Context, a *hindsight.AlertState) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	if err := tx.lockIncidentOnce(ctx, a.IncidentID); err != nil {
		return false, err
	}
	a.StartsAt, a.EndsAt, a.UpdatedAt = normalize(a.StartsAt), normalizePtr(a.EndsAt), tx.now
	old, err := scanAlertState(tx.queryRow(ctx, "SELECT "+alertStateCols+" FROM alert_states WHERE incident_id = ? AND alert_key = ?",
		a.IncidentID, a.AlertKey))
	if errors.Is(err, sql.ErrNoRows) {
		_, err := tx.exec(ctx, "INSERT INTO alert_states ("+alertStateCols+") VALUES (?, ?, ?, ?, ?, ?, ?)", alertStateArgs(a)...)
		return err == nil, err
	} else if err != nil {
		return false, tx.d.mapError(err)
	}
	_, err = tx.exec(ctx, `UPDATE alert_states SET labels = ?, status = ?, starts_at = ?, ends_at = ?, updated_at = ?
		WHERE incident_id = ? AND alert_key = ?`, append(alertStateArgs(a)[2:], a.IncidentID, a.AlertKey)...)
	return err == nil && old.Status != a.Status, err
}

// FindAlertStates returns an incident's alert states ordered by key.
func (tx *Tx) FindAlertStates(ctx context.Context, incidentID string) ([]*hindsight.AlertState, error) {
	if _, err := tx.FindIncidentByID(ctx, incidentID); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT "+alertStateCols+" FROM alert_states WHERE incident_id = ? ORDER BY alert_key", incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.AlertState{}
	for rows.Next() {
		a, err := scanAlertState(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, tx.d.mapError(rows.Err())
}
