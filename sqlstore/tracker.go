package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// The tracker outbox (migration 00025): see hindsight.TrackerService. A row
// is written by the transaction that creates an action item or changes what
// a tracker's issue shows of it, so that a committed change is never lost
// for the tracker, whether the tracker answers or not.

var _ hindsight.TrackerService = (*Store)(nil)

const trackerCols = "action_id, tracker, issue_key, issue_url, state, error, attempts, synced_at, next_attempt_at, updated_at"

func scanTrackerLink(sc scanner) (*hindsight.TrackerLink, error) {
	var l hindsight.TrackerLink
	var synced, next, updated sql.NullInt64
	if err := sc.Scan(&l.ActionID, &l.Tracker, &l.IssueKey, &l.IssueURL, &l.State, &l.Error, &l.Attempts,
		&synced, &next, &updated); err != nil {
		return nil, err
	}
	l.SyncedAt, l.NextAttemptAt, l.UpdatedAt = fromTSPtr(synced), fromTS(next), fromTS(updated)
	return &l, nil
}

// trackerFieldsChanged reports whether a change of an action item changes
// what its tracker issue shows: title, owner, due date, or which issue.
func trackerFieldsChanged(before, after *hindsight.ActionItem) bool {
	return before.Title != after.Title || before.Owner != after.Owner ||
		!before.DueDate.Equal(after.DueDate) || before.TrackerURL != after.TrackerURL
}

// queueTrackerSync queues an action item for its tracker: a new row, or one
// more generation to send, due now.
func (tx *Tx) queueTrackerSync(ctx context.Context, actionID int64) error {
	at := ts(tx.now)
	_, err := tx.exec(ctx, `INSERT INTO tracker_sync (action_id, state, generation, next_attempt_at, updated_at)
		VALUES (?, ?, 1, ?, ?)
		ON CONFLICT (action_id) DO UPDATE SET generation = tracker_sync.generation + 1, state = EXCLUDED.state,
		next_attempt_at = EXCLUDED.next_attempt_at, attempts = 0, updated_at = EXCLUDED.updated_at`,
		actionID, string(hindsight.TrackerPending), at, at)
	return err
}

// ClaimTrackerJobs claims up to limit due items for lease. On PostgreSQL
// rows another instance is claiming are skipped (SKIP LOCKED); a claim
// whose lease ran out (its instance died) is taken over.
func (s *Store) ClaimTrackerJobs(ctx context.Context, owner string, limit int, lease time.Duration) ([]*hindsight.TrackerJob, error) {
	var jobs []*hindsight.TrackerJob
	err := s.update(ctx, func(tx *Tx) error {
		now := ts(tx.now)
		rows, err := tx.query(ctx, "SELECT action_id FROM tracker_sync WHERE generation > synced_generation"+
			" AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at, action_id LIMIT ?"+tx.d.skipLocked,
			now, now, limit)
		if err != nil {
			return err
		}
		var ids []int64
		if err := eachRow(tx, rows, func(sc scanner) error {
			var id int64
			err := sc.Scan(&id)
			ids = append(ids, id)
			return err
		}); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.exec(ctx, "UPDATE tracker_sync SET lease_owner = ?, lease_until = ? WHERE action_id = ?",
				owner, ts(tx.now.Add(lease)), id); err != nil {
				return err
			}
			j, err := tx.trackerJob(ctx, id)
			if err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return nil
	})
	return jobs, err
}

// trackerJob reads one outbox row with its action item and incident.
func (tx *Tx) trackerJob(ctx context.Context, id int64) (*hindsight.TrackerJob, error) {
	var gen int64
	var l *hindsight.TrackerLink
	err := tx.queryRow(ctx, "SELECT generation FROM tracker_sync WHERE action_id = ?", id).Scan(&gen)
	if err != nil {
		return nil, tx.d.mapError(err)
	}
	if l, err = tx.trackerLink(ctx, id); err != nil {
		return nil, err
	}
	a, err := tx.FindActionItemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	inc, err := tx.FindIncidentByID(ctx, a.IncidentID)
	if err != nil {
		return nil, err
	}
	return &hindsight.TrackerJob{Link: *l, Action: *a, Services: inc.Services, Generation: gen}, nil
}

// trackerLink reads one item's link.
func (tx *Tx) trackerLink(ctx context.Context, id int64) (*hindsight.TrackerLink, error) {
	l, err := scanTrackerLink(tx.queryRow(ctx, "SELECT "+trackerCols+" FROM tracker_sync WHERE action_id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("tracker link of action item", id)
	}
	return l, tx.d.mapError(err)
}

// FinishTrackerJob records an attempt's outcome. The link it found or
// created is kept even when the claim was lost meanwhile (an issue that
// exists must not be created twice); the claim is released only by its
// owner. An issue's URL becomes the item's tracker_url, as a revision.
func (s *Store) FinishTrackerJob(ctx context.Context, owner string, o hindsight.TrackerOutcome) error {
	return s.update(ctx, func(tx *Tx) error {
		var gen, syncedGen int64
		var leaseOwner string
		err := tx.queryRow(ctx, "SELECT generation, synced_generation, lease_owner FROM tracker_sync WHERE action_id = ?",
			o.ActionID).Scan(&gen, &syncedGen, &leaseOwner)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("tracker link of action item", o.ActionID)
		} else if err != nil {
			return tx.d.mapError(err)
		}
		if err := tx.setTrackerIssue(ctx, o); err != nil {
			return err
		}
		if leaseOwner != owner {
			return nil
		}
		return tx.finishAttempt(ctx, o, gen, syncedGen)
	})
}

// setTrackerIssue stores the outcome's tracker and issue, and the issue's
// URL as the item's tracker_url.
func (tx *Tx) setTrackerIssue(ctx context.Context, o hindsight.TrackerOutcome) error {
	if o.Tracker != "" || o.None {
		if _, err := tx.exec(ctx, "UPDATE tracker_sync SET tracker = ? WHERE action_id = ?", o.Tracker, o.ActionID); err != nil {
			return err
		}
	}
	if o.IssueKey == "" {
		return nil
	}
	if _, err := tx.exec(ctx, "UPDATE tracker_sync SET issue_key = ?, issue_url = ? WHERE action_id = ?",
		o.IssueKey, o.IssueURL, o.ActionID); err != nil {
		return err
	}
	a, err := tx.FindActionItemByID(ctx, o.ActionID)
	if err != nil || o.IssueURL == "" || a.TrackerURL == o.IssueURL {
		return err
	}
	before := *a
	a.TrackerURL, a.UpdatedAt, a.Version = o.IssueURL, tx.now, a.Version+1
	if _, err := tx.exec(ctx, "UPDATE action_items SET tracker_url = ?, updated_at = ?, version = ? WHERE id = ?",
		a.TrackerURL, ts(a.UpdatedAt), a.Version, a.ID); err != nil {
		return err
	}
	return tx.record(ctx, a.IncidentID, hindsight.EntityAction, strconv.FormatInt(a.ID, 10), a.Version, &before, a)
}

// finishAttempt sets the row's state from the outcome and releases the
// claim. A success or a permanent failure settles the generation sent; a
// transient failure leaves it pending until RetryAt.
func (tx *Tx) finishAttempt(ctx context.Context, o hindsight.TrackerOutcome, gen, syncedGen int64) error {
	now := ts(tx.now)
	const release = ", lease_owner = '', lease_until = 0, updated_at = ? WHERE action_id = ?"
	if o.Err != "" && !o.Permanent {
		_, err := tx.exec(ctx, "UPDATE tracker_sync SET state = ?, error = ?, attempts = attempts + 1, next_attempt_at = ?"+release,
			string(hindsight.TrackerPending), o.Err, ts(o.RetryAt), now, o.ActionID)
		return err
	}
	settled := max(syncedGen, o.Generation)
	state := hindsight.TrackerSynced
	switch {
	case settled < gen:
		state = hindsight.TrackerPending
	case o.Err != "":
		state = hindsight.TrackerFailed
	case o.None:
		state = hindsight.TrackerNone
	}
	syncedAt := any(now)
	if o.Err != "" || o.None {
		syncedAt = nil
	}
	attempts := "0"
	if o.Err != "" {
		attempts = "attempts + 1"
	}
	_, err := tx.exec(ctx, "UPDATE tracker_sync SET state = ?, error = ?, attempts = "+attempts+
		", synced_generation = ?, synced_at = COALESCE(?, synced_at)"+release,
		string(state), o.Err, settled, syncedAt, now, o.ActionID)
	return err
}

// FindTrackerLinks returns the links of the given action items.
func (s *Store) FindTrackerLinks(ctx context.Context, actionIDs []int64) (map[int64]*hindsight.TrackerLink, error) {
	out := map[int64]*hindsight.TrackerLink{}
	if len(actionIDs) == 0 {
		return out, nil
	}
	err := s.view(ctx, func(tx *Tx) error {
		return inChunks(actionIDs, func(args []any) error {
			rows, err := tx.query(ctx, "SELECT "+trackerCols+" FROM tracker_sync WHERE action_id IN ("+placeholders(len(args))+")", args...)
			if err != nil {
				return err
			}
			return eachRow(tx, rows, func(sc scanner) error {
				l, err := scanTrackerLink(sc)
				if err == nil {
					out[l.ActionID] = l
				}
				return err
			})
		})
	})
	return out, err
}

// FindActionsByIssue returns the IDs of the items linked to an issue.
func (s *Store) FindActionsByIssue(ctx context.Context, tracker, issueKey string) ([]int64, error) {
	var ids []int64
	err := s.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT action_id FROM tracker_sync WHERE tracker = ? AND issue_key = ? ORDER BY action_id",
			tracker, issueKey)
		if err != nil {
			return err
		}
		return eachRow(tx, rows, func(sc scanner) error {
			var id int64
			err := sc.Scan(&id)
			ids = append(ids, id)
			return err
		})
	})
	return ids, err
}

// FindLinkedIssues returns one page of links that have an issue.
func (s *Store) FindLinkedIssues(ctx context.Context, afterID int64, limit int) ([]*hindsight.TrackerLink, error) {
	var out []*hindsight.TrackerLink
	err := s.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT "+trackerCols+" FROM tracker_sync WHERE issue_key <> '' AND action_id > ?"+
			" ORDER BY action_id LIMIT ?", afterID, limit)
		if err != nil {
			return err
		}
		return eachRow(tx, rows, func(sc scanner) error {
			l, err := scanTrackerLink(sc)
			if err == nil {
				out = append(out, l)
			}
			return err
		})
	})
	return out, err
}

// RetryTracker queues an item again, due now.
func (s *Store) RetryTracker(ctx context.Context, actionID int64) error {
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.FindActionItemByID(ctx, actionID); err != nil {
			return err
		}
		return tx.queueTrackerSync(ctx, actionID)
	})
}
