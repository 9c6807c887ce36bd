package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	if tx.deferWrites && n.ID == 0 {
		// Held (deferred.go): a duplicate fails the transaction when the
		// rows are written; the intake looks for duplicates first.
		return tx.addRows(ctx, heldNotifications, notificationArgs(n))
	}
	if err := tx.insertNotification(ctx, n); err != nil {
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			return hindsight.Errorf(hindsight.ECONFLICT, "duplicate notification %s", n.Fingerprint)
		}
		return err
	}
	return nil
}

const notificationCols = "fingerprint, group_key, body, received_at, incident_id, body_encoding"

// notificationArgs are n's values for notificationCols, its body encoded
// (encodeBody).
func notificationArgs(n *hindsight.AlertNotification) []any {
	body, encoding := encodeBody(n.Body)
	if body == nil {
		body = []byte{}
	}
	var incident any
	if n.IncidentID != "" {
		incident = n.IncidentID
	}
	return []any{n.Fingerprint, n.GroupKey, body, ts(n.ReceivedAt), incident, encoding}
}

func (tx *Tx) insertNotification(ctx context.Context, n *hindsight.AlertNotification) error {
	if n.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO alert_notifications (id, "+notificationCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
			append([]any{n.ID}, notificationArgs(n)...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO alert_notifications ("+notificationCols+") VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		notificationArgs(n)...).Scan(&n.ID)
	return tx.d.mapError(err)
}

// PruneNotifications deletes notifications received before cutoff.
func (tx *Tx) PruneNotifications(ctx context.Context, cutoff time.Time) (int64, error) {
	return tx.execCount(ctx, "DELETE FROM alert_notifications WHERE received_at < ?", ts(cutoff))
}

// LockAlertGroups takes a transaction-scoped lock on each group key, in
// sorted order, in one statement: a batch of notifications pays one round
// trip for its locks, not one per group. SQLite needs none: a write
// transaction holds the database's only write lock.
func (tx *Tx) LockAlertGroups(ctx context.Context, groupKeys ...string) error {
	if tx.d.lockGroups == "" || len(groupKeys) == 0 {
		return nil
	}
	keys := slices.Compact(slices.Sorted(slices.Values(groupKeys)))
	_, err := tx.exec(ctx, tx.d.lockGroups, keys)
	return err
}

// RecordedNotifications reports which fingerprints are recorded.
func (tx *Tx) RecordedNotifications(ctx context.Context, fingerprints ...string) (map[string]bool, error) {
	return tx.presentKeys(ctx, "SELECT fingerprint FROM alert_notifications WHERE fingerprint IN (%s)", fingerprints)
}

// AlertGroupsWithIncidents reports which of the groups have an incident.
func (tx *Tx) AlertGroupsWithIncidents(ctx context.Context, groupKeys ...string) (map[string]bool, error) {
	return tx.presentKeys(ctx, "SELECT DISTINCT group_key FROM incidents WHERE group_key IN (%s) AND group_key <> ''", groupKeys)
}

// presentKeys runs query, whose %s takes a list of placeholders, for the
// keys, one statement per maxBatchRows, and returns the keys it selected.
func (tx *Tx) presentKeys(ctx context.Context, query string, keys []string) (map[string]bool, error) {
	found := map[string]bool{}
	err := inChunks(slices.Compact(slices.Sorted(slices.Values(keys))), func(args []any) error {
		present, err := tx.queryStrings(ctx, fmt.Sprintf(query, placeholders(len(args))), args...)
		for _, k := range present {
			found[k] = true
		}
		return err
	})
	return found, err
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

// maxBatchRows bounds the rows of one multi-row statement: 500 rows of at
// most 11 columns stay well under both engines' limits on bound parameters.
const maxBatchRows = 500

// UpsertAlertState stores an alert's state under its incident's row lock, so
// that of two processes seeing the same transition exactly one reports it.
func (tx *Tx) UpsertAlertState(ctx context.Context, a *hindsight.AlertState) (bool, error) {
	changed, err := tx.UpsertAlertStates(ctx, []*hindsight.AlertState{a})
	if err != nil {
		return false, err
	}
	return changed[0], nil
}

var _ hindsight.AlertBatchWriter = (*Tx)(nil)

// UpsertAlertStates stores alert states in order, under their incidents' row
// locks: per run of up to maxBatchRows states of one incident with distinct
// keys, one SELECT of the previous statuses and one multi-row INSERT … ON
// CONFLICT DO UPDATE.
func (tx *Tx) UpsertAlertStates(ctx context.Context, states []*hindsight.AlertState) ([]bool, error) {
	for _, a := range states {
		if err := a.Validate(); err != nil {
			return nil, err
		}
	}
	changed := make([]bool, len(states))
	for start := 0; start < len(states); {
		end, seen := start, map[string]bool{}
		for end < len(states) && end-start < maxBatchRows && states[end].IncidentID == states[start].IncidentID && !seen[states[end].AlertKey] {
			seen[states[end].AlertKey] = true
			end++
		}
		if err := tx.upsertAlertRun(ctx, states[start:end], changed[start:end]); err != nil {
			return nil, err
		}
		start = end
	}
	return changed, nil
}

// upsertAlertRun upserts states of one incident with distinct keys.
func (tx *Tx) upsertAlertRun(ctx context.Context, states []*hindsight.AlertState, changed []bool) error {
	incidentID := states[0].IncidentID
	if err := tx.lockIncidentOnce(ctx, incidentID); err != nil {
		return err
	}
	for _, a := range states {
		a.StartsAt, a.EndsAt, a.UpdatedAt = normalize(a.StartsAt), normalizePtr(a.EndsAt), tx.now
	}
	// An incident this transaction created, and has written no alert
	// state of, has none to read or to update: its first states are plain
	// INSERTs, which PostgreSQL does without the speculative insertion of
	// ON CONFLICT (a quarter of the statement's time for 100 rows).
	fresh := tx.fresh[incidentID]
	delete(tx.fresh, incidentID)
	var old map[string]hindsight.AlertStatus
	if !fresh {
		var err error
		if old, err = tx.alertStatuses(ctx, incidentID, states); err != nil {
			return err
		}
	}
	args := make([]any, 0, 7*len(states))
	for i, a := range states {
		prev, ok := old[a.AlertKey]
		changed[i] = !ok || prev != a.Status
		args = append(args, alertStateArgs(a)...)
	}
	if fresh {
		return tx.addRows(ctx, heldAlertStates, args)
	}
	ins := heldInserts[heldAlertStates]
	_, err := tx.exec(ctx, ins.insert+valuesRows(ins.cols, len(states))+
		` ON CONFLICT (incident_id, alert_key) DO UPDATE SET labels = excluded.labels, status = excluded.status,
		starts_at = excluded.starts_at, ends_at = excluded.ends_at, updated_at = excluded.updated_at`, args...)
	return err
}

// alertStatuses returns the stored statuses of the states' alerts (of one
// incident) by key.
func (tx *Tx) alertStatuses(ctx context.Context, incidentID string, states []*hindsight.AlertState) (map[string]hindsight.AlertStatus, error) {
	keys := make([]any, 0, len(states)+1)
	keys = append(keys, incidentID)
	for _, a := range states {
		keys = append(keys, a.AlertKey)
	}
	old := make(map[string]hindsight.AlertStatus, len(states))
	rows, err := tx.query(ctx, "SELECT alert_key, status FROM alert_states WHERE incident_id = ? AND alert_key IN ("+
		placeholders(len(states))+")", keys...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var status hindsight.AlertStatus
		if err := rows.Scan(&key, &status); err != nil {
			return nil, tx.d.mapError(err)
		}
		old[key] = status
	}
	return old, tx.d.mapError(rows.Err())
}

// placeholders returns n comma-separated placeholders.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// valuesRows returns n rows of cols placeholders each, for a multi-row
// VALUES list.
func valuesRows(cols, n int) string {
	row := "(" + placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
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
