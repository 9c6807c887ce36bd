// Package reminder is the scheduler that runs inside "hindsight serve": on
// every pass it finds the reminders due (action items due soon or overdue,
// post-mortems left in DRAFT, review dates reached), claims each one in the
// store so that of several instances only one sends it, and delivers it
// through every channel.
package reminder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
)

// Defaults for a zero Scheduler field.
const (
	DefaultInterval      = 5 * time.Minute
	DefaultDueSoonDays   = 2
	DefaultReviewDueDays = 5
	// DefaultLease is how long a claim stays exclusive without being
	// confirmed or released; a send is cut off at half of it, so a live
	// sender always finishes before its claim can be taken over.
	DefaultLease = 10 * time.Minute
	// Retention is how long the record of a reminder is kept; it must
	// outlast every period and ReviewLookback.
	Retention = 90 * 24 * time.Hour
)

// Store is what the scheduler reads and writes.
type Store interface {
	FindActionItems(ctx context.Context, f hindsight.ActionFilter) ([]*hindsight.ActionItem, int, error)
	hindsight.ReminderService
	FindPersonEvents(ctx context.Context, since time.Time, limit int) ([]*hindsight.PersonEvent, error)
	PrunePersonEvents(ctx context.Context, cutoff time.Time) (int64, error)
	hindsight.NotificationPrefsService
}

// Scheduler sends the reminders that are due, once per channel and period.
type Scheduler struct {
	Store Store
	// Channels deliver; wrap each in notify.Retrying for retries and
	// metrics. With none, passes only prune the record.
	Channels []notify.Channel
	// PersonChannels reach the person a reminder or event is for (their
	// e-mail, their Slack direct messages); Recipients finds them in the
	// directory. A reminder whose owner some person channel reaches goes
	// there instead of to Channels, which remain the fallback. Nil
	// Recipients sends everything to Channels.
	PersonChannels []notify.PersonChannel
	Recipients     Recipients
	// Metrics counts deliveries; nil means none.
	Metrics *notify.Metrics
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Interval between passes; 0 means DefaultInterval. The server runs
	// RunOnce at this interval as one of its workers (worker.Task).
	Interval time.Duration
	// DueSoonDays and ReviewDueDays are the horizons in days; 0 means the
	// defaults.
	DueSoonDays, ReviewDueDays int
	// BaseURL is the web UI's public URL used in links; "" leaves links out.
	BaseURL string
	// Lease bounds a claim; 0 means DefaultLease.
	Lease time.Duration
	// Log receives one line per failed delivery or pass; nil means
	// slog.Default().
	Log *slog.Logger
}

// PassResult counts what one pass did.
type PassResult struct {
	// Due is the number of reminders due; each goes to every channel.
	Due int
	// Sent, Skipped and Failed count deliveries: sent now, already sent or
	// held by another instance, and failed (claim released for a retry).
	Sent, Skipped, Failed int
}

// RunOnce makes one pass: deliver what is due, prune the
// record. Delivery failures are counted and logged, not returned: the
// claim is released and the next pass retries. The error reports a store
// failure.
func (s *Scheduler) RunOnce(ctx context.Context) (PassResult, error) {
	now := s.now()
	var res PassResult
	due, err := s.Due(ctx, now)
	if err != nil {
		return res, err
	}
	res.Due = len(due)
	var errs []error
	for _, r := range due {
		channels, err := s.route(ctx, r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, ch := range channels {
			if err := s.deliver(ctx, ch, r, &res); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if _, err := s.Store.PruneReminders(ctx, now.Add(-Retention)); err != nil {
		errs = append(errs, err)
	}
	if _, err := s.Store.PrunePersonEvents(ctx, now.Add(-Retention)); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// Deliver claims r on ch (ch.Name keys the record), sends it, and
// confirms or releases the claim, counting the outcome in res: how any
// message goes out at most once across instances. Other senders (the
// distribution of approved post-mortems) share it. The error reports a
// store failure; a failed send is counted and logged.
func (s *Scheduler) Deliver(ctx context.Context, ch notify.Channel, r hindsight.Reminder, res *PassResult) error {
	return s.deliver(ctx, ch, r, res)
}

// deliver claims r on ch, sends it, and confirms or releases the claim.
func (s *Scheduler) deliver(ctx context.Context, ch notify.Channel, r hindsight.Reminder, res *PassResult) error {
	claimedAt := s.now()
	c := &hindsight.ReminderClaim{Kind: r.Kind, Subject: r.Subject, Period: r.Period, Channel: ch.Name,
		Token: newToken(), ClaimedAt: claimedAt, LeaseUntil: claimedAt.Add(s.lease())}
	ok, err := s.Store.ClaimReminder(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		res.Skipped++
		return nil
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.lease()/2)
	err = ch.Notifier.Send(sendCtx, r)
	cancel()
	// The claim is settled even when ctx has ended (shutdown), so that it is
	// not left to expire.
	settle, cancelSettle := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelSettle()
	if err != nil {
		res.Failed++
		s.log().Warn("reminder not delivered; it will be retried on a later pass",
			"channel", ch.Name, "kind", r.Kind, "subject", r.Subject, "err", err)
		return s.Store.ReleaseReminder(settle, c)
	}
	res.Sent++
	return s.Store.ConfirmReminder(settle, c, s.now())
}

// newToken returns a random claim token.
func newToken() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Scheduler) lease() time.Duration { return orDefault(s.Lease, DefaultLease) }
func (s *Scheduler) dueSoonDays() int     { return orDefault(s.DueSoonDays, DefaultDueSoonDays) }
func (s *Scheduler) reviewDueDays() int   { return orDefault(s.ReviewDueDays, DefaultReviewDueDays) }

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
