// Package distribution sends approved post-mortems to the people on their
// Distribution List: on each pass it finds the post-mortems approved
// recently, works out each one's deliveries from the configuration
// (hindsight.Deliveries: e-mail addresses and Slack channels per list
// entry, with a severity condition), and delivers each once across
// instances through the reminder record (reminder.Scheduler.Deliver) over
// notify's SMTP and Slack-compatible webhook. The confirmed records are the
// list's ticks; the approved Markdown is never changed (Ticks, Markdown).
package distribution

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/reminder"
)

// Defaults for a zero Sender field.
const (
	DefaultInterval = time.Minute
	// DefaultWindow is how long after its approval a post-mortem is still
	// sent: a server down for less than this sends it when it returns; a
	// post-mortem approved before distribution was configured, earlier
	// than this, is not sent out of the blue.
	DefaultWindow = 7 * 24 * time.Hour
)

// Store is what the sender reads and writes.
type Store interface {
	FindPostmortem(ctx context.Context, incidentID string) (*hindsight.Postmortem, error)
	hindsight.DistributionRecordService
	reminder.Store
}

// Sender sends approved post-mortems once per delivery.
type Sender struct {
	Store   Store
	Entries []hindsight.DistributionEntry
	// SMTP is the relay (reminders.smtp) whose To each e-mail delivery
	// replaces with its entry's addresses; nil sends no e-mail.
	SMTP *notify.SMTP
	// Slack is the Slack-compatible incoming webhook whose Channel each
	// Slack delivery sets; nil posts nothing.
	Slack *notify.Slack
	// Metrics counts deliveries (channel smtp or slack); nil means none.
	Metrics *notify.Metrics
	// BaseURL links the message to the post-mortem's HTML page.
	BaseURL string
	Now     func() time.Time
	Window  time.Duration
	// Retry sets each delivery's retries; zero fields mean notify's defaults.
	Retry notify.Retrying
	Log   *slog.Logger
}

// RunOnce sends what is due: every delivery of every post-mortem approved
// within Window not sent yet. A failed delivery is counted, logged and
// retried on a later pass; the error reports store failures.
func (s *Sender) RunOnce(ctx context.Context) (reminder.PassResult, error) {
	var res reminder.PassResult
	ids, err := s.Store.FindApprovedSince(ctx, s.now().Add(-s.window()))
	if err != nil {
		return res, err
	}
	deliverer := &reminder.Scheduler{Store: s.Store, Now: s.Now, Log: s.Log, Metrics: s.Metrics}
	var errs []error
	for _, id := range ids {
		pm, err := s.Store.FindPostmortem(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !pm.Document.Closed() || pm.Document.ApprovedAt == nil {
			continue
		}
		for _, d := range hindsight.Deliveries(s.Entries, List(pm), pm.Incident.Severity) {
			ch, ok := s.channel(d)
			if !ok {
				continue
			}
			res.Due++
			if err := deliverer.Deliver(ctx, ch, Message(pm, d, s.BaseURL), &res); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return res, errors.Join(errs...)
}

// channel returns the notifier of one delivery, named by its record key;
// false when its kind of channel is not configured.
func (s *Sender) channel(d hindsight.Delivery) (notify.Channel, bool) {
	var name string
	var n notify.Notifier
	switch {
	case d.Slack != "" && s.Slack != nil:
		sl := *s.Slack
		sl.Channel = d.Slack
		name, n = notify.ChannelSlack, &sl
	case len(d.Email) > 0 && s.SMTP != nil:
		m := *s.SMTP
		m.To = d.Email
		name, n = notify.ChannelSMTP, &m
	default:
		return notify.Channel{}, false
	}
	rt := s.Retry
	rt.Channel, rt.Metrics = notify.Channel{Name: name, Notifier: n}, s.Metrics
	return notify.Channel{Name: d.Key(), Notifier: &rt}, true
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Sender) window() time.Duration {
	if s.Window > 0 {
		return s.Window
	}
	return DefaultWindow
}

// List is pm's Distribution List as its document shows it: the seed's
// entries when the narrative holds none.
func List(pm *hindsight.Postmortem) []hindsight.Check {
	if l := pm.Document.Narrative.Distribution; len(l) > 0 {
		return l
	}
	return postmortem.PlaceholderNarrative().Distribution
}
