package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// The reminder record lives outside Services: it is written only by the
// reminder scheduler, each call in its own short transaction, and never
// inside another service's transaction.
var _ hindsight.ReminderService = (*Store)(nil)

// claimReminder inserts the claim, or takes over a row that was never sent
// and whose lease has expired. The primary key makes the insert atomic on
// both engines: of two concurrent claims, one inserts and the other either
// waits for it (PostgreSQL) or for the write lock (SQLite), then finds the
// row held and changes nothing.
const claimReminder = "INSERT INTO reminders_sent (kind, subject, period, channel, token, claimed_at, lease_until) " +
	"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, subject, period, channel) DO UPDATE SET " +
	"token = excluded.token, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until " +
	"WHERE reminders_sent.sent_at IS NULL AND reminders_sent.lease_until < excluded.claimed_at"

// ClaimReminder records c unless the reminder is sent or held, and reports
// whether c holds it now.
func (s *Store) ClaimReminder(ctx context.Context, c *hindsight.ReminderClaim) (bool, error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	var claimed bool
	err := s.update(ctx, func(tx *Tx) error {
		n, err := tx.execCount(ctx, claimReminder, string(c.Kind), c.Subject, c.Period, c.Channel, c.Token,
			ts(normalize(c.ClaimedAt)), ts(normalize(c.LeaseUntil)))
		claimed = n == 1
		return err
	})
	return claimed, err
}

// ConfirmReminder marks the claim sent.
func (s *Store) ConfirmReminder(ctx context.Context, c *hindsight.ReminderClaim, sentAt time.Time) error {
	return s.update(ctx, func(tx *Tx) error {
		n, err := tx.execCount(ctx, "UPDATE reminders_sent SET sent_at = ? "+reminderWhere,
			ts(normalize(sentAt)), string(c.Kind), c.Subject, c.Period, c.Channel, c.Token)
		if err != nil {
			return err
		}
		if n == 0 {
			return hindsight.Errorf(hindsight.ENOTFOUND, "reminder %s %s %s on %s is no longer claimed by this sender",
				c.Kind, c.Subject, c.Period, c.Channel)
		}
		return nil
	})
}

// reminderWhere matches one claim by its key and holder.
const reminderWhere = "WHERE kind = ? AND subject = ? AND period = ? AND channel = ? AND token = ?"

// ReleaseReminder drops an unsent claim held by c's token.
func (s *Store) ReleaseReminder(ctx context.Context, c *hindsight.ReminderClaim) error {
	return s.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM reminders_sent "+reminderWhere+" AND sent_at IS NULL",
			string(c.Kind), c.Subject, c.Period, c.Channel, c.Token)
		return err
	})
}

// PruneReminders deletes the records claimed before cutoff, but for the
// distribution records: they are the ticks of approved documents'
// Distribution Lists, kept as long as the document.
func (s *Store) PruneReminders(ctx context.Context, cutoff time.Time) (n int64, err error) {
	err = s.update(ctx, func(tx *Tx) (err error) {
		n, err = tx.execCount(ctx, "DELETE FROM reminders_sent WHERE claimed_at < ? AND kind <> ?", ts(normalize(cutoff)),
			string(hindsight.ReminderDistribution))
		return err
	})
	return n, err
}

// FindStaleDrafts returns resolved incidents whose document is still DRAFT.
func (s *Store) FindStaleDrafts(ctx context.Context, resolvedBefore time.Time) (out []*hindsight.ReviewSubject, err error) {
	const where = " JOIN documents d ON d.incident_id = i.id WHERE i.status = ? AND i.resolved_at <= ? AND d.status = ?" +
		" ORDER BY i.resolved_at, i.id"
	err = s.view(ctx, func(tx *Tx) error {
		out, err = tx.findReviewSubjects(ctx, where,
			string(hindsight.IncidentResolved), ts(normalize(resolvedBefore)), string(hindsight.DocDraft))
		return err
	})
	return out, err
}

// FindReviewsDue returns the documents whose review date is in [from, to].
func (s *Store) FindReviewsDue(ctx context.Context, from, to time.Time) (out []*hindsight.ReviewSubject, err error) {
	const where = " JOIN documents d ON d.incident_id = i.id WHERE d.next_review_date >= ? AND d.next_review_date <= ?" +
		" AND d.status <> ? ORDER BY d.next_review_date, i.id"
	err = s.view(ctx, func(tx *Tx) error {
		out, err = tx.findReviewSubjects(ctx, where,
			ts(normalize(from)), ts(normalize(to)), string(hindsight.DocArchived))
		return err
	})
	return out, err
}

// documentColsOfD is documentCols qualified by the alias d.
var documentColsOfD = "d." + strings.ReplaceAll(documentCols, ", ", ", d.")

// findReviewSubjects reads the incidents and documents that join clause
// selects, in two queries of one snapshot, and pairs them in the order of
// the first.
func (tx *Tx) findReviewSubjects(ctx context.Context, join string, args ...any) ([]*hindsight.ReviewSubject, error) {
	rows, err := tx.query(ctx, incidentSelect+join, args...)
	if err != nil {
		return nil, err
	}
	out := []*hindsight.ReviewSubject{}
	byID := map[string]*hindsight.ReviewSubject{}
	if err := eachRow(tx, rows, func(sc scanner) error {
		inc, err := scanIncident(sc)
		if err == nil {
			rs := &hindsight.ReviewSubject{Incident: inc}
			out, byID[inc.ID] = append(out, rs), rs
		}
		return err
	}); err != nil {
		return nil, err
	}
	if rows, err = tx.query(ctx, "SELECT "+documentColsOfD+" FROM incidents i"+join, args...); err != nil {
		return nil, err
	}
	err = eachRow(tx, rows, func(sc scanner) error {
		d, err := scanDocument(sc)
		if err != nil {
			return err
		}
		if rs := byID[d.IncidentID]; rs != nil {
			rs.Document = d
		}
		return nil
	})
	return out, err
}

// CountOpenIncidents returns the number of unresolved incidents by severity.
func (s *Store) CountOpenIncidents(ctx context.Context) (map[hindsight.Severity]int, error) {
	out := map[hindsight.Severity]int{}
	err := s.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT severity, COUNT(*) FROM incidents WHERE status <> ? GROUP BY severity",
			string(hindsight.IncidentResolved))
		if err != nil {
			return err
		}
		return eachRow(tx, rows, func(sc scanner) error {
			var sev hindsight.Severity
			var n int
			err := sc.Scan(&sev, &n)
			out[sev] = n
			return err
		})
	})
	return out, err
}
