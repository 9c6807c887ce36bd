package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// trackerSyncRow is one row of tracker_sync, as a backup carries it: the
// links survive a restore, so that a restored store updates the issues it
// created instead of creating them again. A claim does not travel.
type trackerSyncRow struct {
	ActionID         int64      `json:"action_id"`
	Tracker          string     `json:"tracker"`
	IssueKey         string     `json:"issue_key"`
	IssueURL         string     `json:"issue_url"`
	State            string     `json:"state"`
	Error            string     `json:"error"`
	Attempts         int        `json:"attempts"`
	Generation       int64      `json:"generation"`
	SyncedGeneration int64      `json:"synced_generation"`
	NextAttemptAt    time.Time  `json:"next_attempt_at"`
	SyncedAt         *time.Time `json:"synced_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

const trackerSyncRowCols = "action_id, tracker, issue_key, issue_url, state, error, attempts, generation, synced_generation, " +
	"next_attempt_at, synced_at, updated_at"

func scanTrackerSyncRow(sc scanner) (any, error) {
	var r trackerSyncRow
	var next, synced, updated sql.NullInt64
	if err := sc.Scan(&r.ActionID, &r.Tracker, &r.IssueKey, &r.IssueURL, &r.State, &r.Error, &r.Attempts,
		&r.Generation, &r.SyncedGeneration, &next, &synced, &updated); err != nil {
		return nil, err
	}
	r.NextAttemptAt, r.SyncedAt, r.UpdatedAt = fromTS(next), fromTSPtr(synced), fromTS(updated)
	return &r, nil
}

func (tx *Tx) insertTrackerSyncRow(ctx context.Context, r *trackerSyncRow) error {
	_, err := tx.exec(ctx, "INSERT INTO tracker_sync ("+trackerSyncRowCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.ActionID, r.Tracker, r.IssueKey, r.IssueURL, r.State, r.Error, r.Attempts, r.Generation, r.SyncedGeneration,
		ts(r.NextAttemptAt), tsPtr(r.SyncedAt), ts(r.UpdatedAt))
	return err
}
