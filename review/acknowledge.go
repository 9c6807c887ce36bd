package review

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// AckOutcome says what RecordAcknowledgement did with an on-call tool's
// acknowledgement.
type AckOutcome string

// The outcomes of RecordAcknowledgement.
const (
	// AckRecorded: an acknowledged event was added to the timeline.
	AckRecorded AckOutcome = "recorded"
	// AckDuplicate: the incident already has this acknowledgement.
	AckDuplicate AckOutcome = "duplicate"
	// AckClosed: the post-mortem is APPROVED or ARCHIVED, a record that
	// nothing changes.
	AckClosed AckOutcome = "closed"
	// AckBeforeStart: the acknowledgement is older than the incident, so
	// it is about something else (a silence made earlier).
	AckBeforeStart AckOutcome = "before_start"
)

// RecordAcknowledgement records an on-call tool's acknowledgement as the
// manual acknowledgement (Respond) does: an acknowledged timeline event
// naming who and when, whose first one gives Time to Acknowledge. An
// incident keeps one per tool and reference (the store refuses a second,
// also across instances), and a closed record is left as it is. A time a
// little ahead of the clock (the tool's clock) is taken as now. Errors:
// EINVALID, ENOTFOUND, and the store's.
func (s *Service) RecordAcknowledgement(ctx context.Context, a *hindsight.Acknowledgement) (AckOutcome, error) {
	now := s.now()
	if a.At.After(now) {
		a.At = now
	}
	a.At = a.At.UTC().Truncate(time.Microsecond)
	outcome := AckRecorded
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		inc, err := tx.FindIncidentByID(ctx, a.IncidentID)
		if err != nil {
			return err
		}
		if err := writable(ctx, tx, a.IncidentID, "its timeline is read-only"); err != nil {
			outcome = AckClosed
			return nil
		}
		if a.At.Before(inc.StartedAt) {
			outcome = AckBeforeStart
			return nil
		}
		if err := tx.RecordAcknowledgement(ctx, a); hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			outcome = AckDuplicate
			return nil
		} else if err != nil {
			return err
		}
		return tx.AddTimelineEvent(ctx, a.Event())
	})
	if err != nil {
		return "", err
	}
	return outcome, nil
}
