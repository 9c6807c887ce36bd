package notify

import (
	"context"
	"net/mail"

	"github.com/hindsight-sre/hindsight"
)

// Channels that reach one person rather than a configured destination.
// Their names key the reminder record like the others' do.
const (
	ChannelPersonEmail = "person-email"
	ChannelPersonSlack = "person-slack"
)

// PersonNotifier delivers reminders to one person at a time: their own
// e-mail address, their Slack direct messages.
type PersonNotifier interface {
	// Reaches reports whether the notifier can deliver to the person: the
	// directory knows the address it needs, and the person has not turned
	// the channel off.
	Reaches(to hindsight.Person, prefs hindsight.NotificationPrefs) bool
	// SendTo delivers r to the person; like Notifier.Send, it returns nil
	// only once the channel has accepted the message.
	SendTo(ctx context.Context, to hindsight.Person, r hindsight.Reminder) error
}

// PersonChannel is a named PersonNotifier.
type PersonChannel struct {
	Name     string
	Notifier PersonNotifier
}

// To returns the channel that delivers to one person, with retries and
// metrics as Retrying gives every channel.
func (pc PersonChannel) To(to hindsight.Person, m *Metrics) Channel {
	send := notifierFunc(func(ctx context.Context, r hindsight.Reminder) error { return pc.Notifier.SendTo(ctx, to, r) })
	return Channel{Name: pc.Name, Notifier: &Retrying{Channel: Channel{Name: pc.Name, Notifier: send}, Metrics: m}}
}

// notifierFunc adapts a function to Notifier.
type notifierFunc func(ctx context.Context, r hindsight.Reminder) error

func (f notifierFunc) Send(ctx context.Context, r hindsight.Reminder) error { return f(ctx, r) }

// Reaches reports whether the person has an e-mail address and wants mail.
func (s *SMTP) Reaches(to hindsight.Person, prefs hindsight.NotificationPrefs) bool {
	return to.Email != "" && prefs.Email
}

// SendTo sends r to the person's own address instead of the configured
// recipients, through the same relay.
func (s *SMTP) SendTo(ctx context.Context, to hindsight.Person, r hindsight.Reminder) error {
	one := *s
	one.To = []string{(&mail.Address{Name: to.Name, Address: to.Email}).String()}
	return one.Send(ctx, r)
}
