package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var _ hindsight.DistributionRecordService = (*Store)(nil)

// FindDistributionRecords returns the distribution records of an incident:
// the reminder records of kind distribution whose subject it is.
func (s *Store) FindDistributionRecords(ctx context.Context, incidentID string) (out []hindsight.DistributionRecord, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT period, channel, sent_at FROM reminders_sent WHERE kind = ? AND subject = ?"+
			" ORDER BY claimed_at, period, channel", string(hindsight.ReminderDistribution), incidentID)
		if err != nil {
			return err
		}
		out = []hindsight.DistributionRecord{}
		return eachRow(tx, rows, func(sc scanner) error {
			var r hindsight.DistributionRecord
			var sent sql.NullInt64
			if err := sc.Scan(&r.Period, &r.Channel, &sent); err != nil {
				return err
			}
			r.SentAt = fromTSPtr(sent)
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// FindApprovedSince returns the incidents approved at or after since whose
// post-mortem is still a record.
func (s *Store) FindApprovedSince(ctx context.Context, since time.Time) (out []string, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT incident_id FROM documents WHERE approved_at >= ? AND status IN (?, ?)"+
			" ORDER BY approved_at, incident_id", ts(normalize(since)), string(hindsight.DocApproved), string(hindsight.DocArchived))
		if err != nil {
			return err
		}
		out = []string{}
		return eachRow(tx, rows, func(sc scanner) error {
			var id string
			err := sc.Scan(&id)
			out = append(out, id)
			return err
		})
	})
	return out, err
}
