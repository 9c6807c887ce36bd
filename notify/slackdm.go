package notify

import (
	"context"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// SlackDM delivers reminders to a person's Slack direct messages, through
// the Slack app's function that messages a user ID. The server sets it
// when the Slack app is configured; with no DM function it reaches no one,
// and the person's messages go to the other channels.
type SlackDM struct {
	// DM sends mrkdwn text to a Slack user ID; it returns nil only once
	// Slack has accepted the message.
	DM func(ctx context.Context, userID, text string) error
}

// Reaches reports whether the person has a Slack user ID, wants direct
// messages, and the Slack app is there to send them.
func (s *SlackDM) Reaches(to hindsight.Person, prefs hindsight.NotificationPrefs) bool {
	return s.DM != nil && to.SlackID != "" && prefs.SlackDM
}

// SendTo sends r to the person's direct messages, formatted as the
// webhook's message is.
func (s *SlackDM) SendTo(ctx context.Context, to hindsight.Person, r hindsight.Reminder) error {
	return s.DM(ctx, to.SlackID, SlackText(r))
}

// SlackText returns r as one mrkdwn text: the linked title in bold, then
// one bullet per line, every value escaped.
func SlackText(r hindsight.Reminder) string {
	parts := []string{slackHead(r)}
	if len(r.Lines) > 0 {
		parts = append(parts, slackLines(r))
	}
	return strings.Join(parts, "\n")
}

// slackHead is the bold title, linked when r has a URL.
func slackHead(r hindsight.Reminder) string {
	if r.URL != "" {
		return "*<" + r.URL + "|" + slackEscape(r.Title) + ">*"
	}
	return "*" + slackEscape(r.Title) + "*"
}

// slackLines is one escaped bullet per line of r.
func slackLines(r hindsight.Reminder) string {
	lines := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		lines[i] = "• " + slackEscape(l)
	}
	return strings.Join(lines, "\n")
}
