package reminder

import (
	"context"
	"fmt"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
)

// EventWindow is how long a queued person event is delivered: an instance
// that was down delivers on its next pass what was queued meanwhile; the
// reminder record makes each go out once per channel.
const EventWindow = 48 * time.Hour

// eventPage bounds the events one pass reads.
const eventPage = 1000

// Recipients finds the person a reminder's owner or an event's recipient
// names ("@ana", "ana", an e-mail address), as hindsight.ResolvePerson
// does. Errors: ENOTFOUND when the directory has no such person.
type Recipients func(ctx context.Context, ref string) (*hindsight.Person, error)

// eventReminders returns the person events queued within EventWindow as
// reminders to their recipients.
func (s *Scheduler) eventReminders(ctx context.Context, now time.Time) ([]hindsight.Reminder, error) {
	events, err := s.Store.FindPersonEvents(ctx, now.Add(-EventWindow), eventPage)
	if err != nil {
		return nil, fmt.Errorf("find person events: %w", err)
	}
	out := make([]hindsight.Reminder, 0, len(events))
	for _, e := range events {
		r := hindsight.Reminder{Kind: e.Kind, Subject: e.Subject(), Period: hindsight.EventPeriod, IncidentID: e.IncidentID,
			Title: e.Title, Lines: e.Lines, Owner: e.Recipient}
		if s.BaseURL != "" && e.Path != "" {
			r.URL = s.BaseURL + e.Path
		}
		out = append(out, r)
	}
	return out, nil
}

// route returns the channels r goes to: the person's own (those of
// PersonChannels that reach them, by their preferences) when its owner is
// in the directory, else the configured Channels.
func (s *Scheduler) route(ctx context.Context, r hindsight.Reminder) ([]notify.Channel, error) {
	if r.Owner == "" || s.Recipients == nil || len(s.PersonChannels) == 0 {
		return s.Channels, nil
	}
	to, err := s.Recipients(ctx, r.Owner)
	if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
		return s.Channels, nil
	} else if err != nil {
		return nil, fmt.Errorf("find %s in the directory: %w", r.Owner, err)
	}
	prefs, err := s.Store.FindNotificationPrefs(ctx, to.Handle)
	if err != nil {
		return nil, fmt.Errorf("read the notification preferences of %s: %w", to.Handle, err)
	}
	var out []notify.Channel
	for _, pc := range s.PersonChannels {
		if pc.Notifier.Reaches(*to, prefs) {
			out = append(out, pc.To(*to, s.Metrics))
		}
	}
	if len(out) == 0 {
		return s.Channels, nil
	}
	return out, nil
}
