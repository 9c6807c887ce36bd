// Package notify delivers reminders: to a Slack-compatible incoming webhook
// and by e-mail over SMTP. Each channel is a Notifier; Retrying wraps one
// with bounded retries, exponential backoff with jitter, and the delivery
// metrics served at /metrics.
package notify

import (
	"context"

	"github.com/hindsight-sre/hindsight"
)

// Notifier delivers one reminder through one channel. Send returns nil only
// once the channel has accepted the message. Errors never contain the
// channel's secrets (webhook URL, password).
type Notifier interface {
	Send(ctx context.Context, r hindsight.Reminder) error
}

// Channel names used in metrics and in the reminder record.
const (
	ChannelSlack = "slack"
	ChannelSMTP  = "smtp"
)

// Channel is a named Notifier. The name keys the reminder record: a reminder
// is delivered at most once per channel and period.
type Channel struct {
	Name     string
	Notifier Notifier
}
