package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

const actionCols = "incident_id, title, owner, horizon, due_date, status, status_reason, verification, tracker_url, completed_at, created_at, updated_at, version"

func actionArgs(a *hindsight.ActionItem) []any {
	return []any{a.IncidentID, a.Title, a.Owner, string(a.Horizon), ts(a.DueDate), string(a.Status), a.StatusReason,
		a.Verification, a.TrackerURL, tsPtr(a.CompletedAt), ts(a.CreatedAt), ts(a.UpdatedAt), a.Version}
}

func scanAction(sc scanner) (*hindsight.ActionItem, error) {
	var a hindsight.ActionItem
	var due, completed, created, updated sql.NullInt64
	if err := sc.Scan(&a.ID, &a.IncidentID, &a.Title, &a.Owner, &a.Horizon, &due, &a.Status, &a.StatusReason,
		&a.Verification, &a.TrackerURL, &completed, &created, &updated, &a.Version); err != nil {
		return nil, err
	}
	a.DueDate, a.CompletedAt = fromTS(due), fromTSPtr(completed)
	a.CreatedAt, a.UpdatedAt = fromTS(created), fromTS(updated)
	return &a, nil
}

func (tx *Tx) scanActions(rows *sql.Rows) ([]*hindsight.ActionItem, error) {
	defer rows.Close()
	out := []*hindsight.ActionItem{}
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, tx.d.mapError(rows.Err())
}

// FindActionItemByID returns one action item.
func (tx *Tx) FindActionItemByID(ctx context.Context, id int64) (*hindsight.ActionItem, error) {
	a, err := scanAction(tx.queryRow(ctx, "SELECT id, "+actionCols+" FROM action_items WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("action item", id)
	}
	return a, tx.d.mapError(err)
}

// findActionsOf returns every action item of an incident.
func (tx *Tx) findActionsOf(ctx context.Context, incidentID string) ([]*hindsight.ActionItem, error) {
	rows, err := tx.query(ctx, "SELECT id, "+actionCols+" FROM action_items WHERE incident_id = ? ORDER BY due_date, id", incidentID)
	if err != nil {
		return nil, err
	}
	return tx.scanActions(rows)
}

// FindActionItems returns one page of action items and the total that match.
func (tx *Tx) FindActionItems(ctx context.Context, f hindsight.ActionFilter) ([]*hindsight.ActionItem, int, error) {
	var where []string
	var args []any
	if f.IncidentID != "" {
		where, args = append(where, "incident_id = ?"), append(args, f.IncidentID)
	}
	if f.Owner != "" {
		// Owners match as people do: with or without "@", in any case.
		where, args = append(where, "LOWER(LTRIM(owner, '@')) = ?"), append(args, hindsight.PersonKey(f.Owner))
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, 0, hindsight.Errorf(hindsight.EINVALID, "unknown action status %q: use open, in_progress, done or wont_do", f.Status)
		}
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if !f.OverdueAt.IsZero() {
		// ActionItem.Overdue: open, and now is after the due date's whole day.
		where = append(where, "status IN (?, ?)", "due_date IS NOT NULL", "due_date < ?")
		args = append(args, string(hindsight.ActionOpen), string(hindsight.ActionInProgress), ts(f.OverdueAt.AddDate(0, 0, -1)))
	}
	cond := whereClause(where)
	n, err := tx.count(ctx, "SELECT COUNT(*) FROM action_items"+cond, args...)
	if err != nil {
		return nil, 0, err
	}
	p := f.Page.Normalize()
	rows, err := tx.query(ctx, "SELECT id, "+actionCols+" FROM action_items"+cond+" ORDER BY due_date, id LIMIT ? OFFSET ?",
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	items, err := tx.scanActions(rows)
	return items, n, err
}

func normalizeAction(a *hindsight.ActionItem) {
	a.DueDate, a.CompletedAt = normalize(a.DueDate), normalizePtr(a.CompletedAt)
}

// CreateActionItem stores a new action item at version 1.
func (tx *Tx) CreateActionItem(ctx context.Context, a *hindsight.ActionItem) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if _, _, err := tx.lockIncident(ctx, a.IncidentID); err != nil {
		return err
	}
	normalizeAction(a)
	a.CreatedAt, a.UpdatedAt, a.Version = tx.now, tx.now, 1
	if err := tx.insertAction(ctx, a); err != nil {
		return err
	}
	if err := tx.record(ctx, a.IncidentID, hindsight.EntityAction, strconv.FormatInt(a.ID, 10), a.Version, nil, a); err != nil {
		return err
	}
	if err := tx.queueTrackerSync(ctx, a.ID); err != nil {
		return err
	}
	return tx.reindexLater(a.IncidentID)
}

// insertAction writes an item as it is; a zero ID is assigned by the store.
func (tx *Tx) insertAction(ctx context.Context, a *hindsight.ActionItem) error {
	if a.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO action_items (id, "+actionCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			append([]any{a.ID}, actionArgs(a)...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO action_items ("+actionCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		actionArgs(a)...).Scan(&a.ID)
	return tx.d.mapError(err)
}

// lockedAction locks the item's incident, then reads the item and checks it
// is still at expectedVersion.
func (tx *Tx) lockedAction(ctx context.Context, id int64, expectedVersion int) (*hindsight.ActionItem, error) {
	a, err := tx.FindActionItemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, _, err := tx.lockIncident(ctx, a.IncidentID); err != nil {
		return nil, err
	}
	if a, err = tx.FindActionItemByID(ctx, id); err != nil {
		return nil, err
	}
	if a.Version != expectedVersion {
		return nil, tx.staleError(ctx, "action item", hindsight.EntityAction, strconv.FormatInt(id, 10), expectedVersion, a.Version)
	}
	return a, nil
}

// UpdateActionItem replaces an item still at expectedVersion; it stays on
// its incident.
func (tx *Tx) UpdateActionItem(ctx context.Context, a *hindsight.ActionItem, expectedVersion int) error {
	if err := a.Validate(); err != nil {
		return err
	}
	before, err := tx.lockedAction(ctx, a.ID, expectedVersion)
	if err != nil {
		return err
	}
	normalizeAction(a)
	a.IncidentID, a.CreatedAt, a.UpdatedAt, a.Version = before.IncidentID, before.CreatedAt, tx.now, before.Version+1
	args := append(actionArgs(a)[1:], a.ID)
	if _, err := tx.exec(ctx, `UPDATE action_items SET title = ?, owner = ?, horizon = ?, due_date = ?, status = ?,
		status_reason = ?, verification = ?, tracker_url = ?, completed_at = ?, created_at = ?, updated_at = ?, version = ?
		WHERE id = ?`, args...); err != nil {
		return err
	}
	if err := tx.record(ctx, a.IncidentID, hindsight.EntityAction, strconv.FormatInt(a.ID, 10), a.Version, before, a); err != nil {
		return err
	}
	if trackerFieldsChanged(before, a) {
		if err := tx.queueTrackerSync(ctx, a.ID); err != nil {
			return err
		}
	}
	return tx.reindexLater(a.IncidentID)
}

// DeleteActionItem removes an item still at expectedVersion.
func (tx *Tx) DeleteActionItem(ctx context.Context, id int64, expectedVersion int) error {
	before, err := tx.lockedAction(ctx, id, expectedVersion)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM action_items WHERE id = ?", id); err != nil {
		return err
	}
	if err := tx.record(ctx, before.IncidentID, hindsight.EntityAction, strconv.FormatInt(id, 10), before.Version+1, before, nil); err != nil {
		return err
	}
	return tx.reindexLater(before.IncidentID)
}
