package slack

import (
	"context"
	"errors"
	"strings"

	"github.com/slack-go/slack"

	"github.com/hindsight-sre/hindsight"
)

// DirectMessenger sends a direct message to one Slack user, such as a
// notification to a person. *App implements it.
type DirectMessenger interface {
	// SendDM posts text (mrkdwn; escape outside values with Escape) to
	// the direct conversation with the Slack user userID (U…). It
	// returns nil once Slack accepted the message.
	SendDM(ctx context.Context, userID, text string) error
}

var _ DirectMessenger = (*App)(nil)

// SendDM opens (or finds) the direct conversation with userID and posts
// text to it, waiting for Retry-After when rate limited.
func (a *App) SendDM(ctx context.Context, userID, text string) error {
	if a.Client == nil {
		return errors.New("slack: direct messages need slack.bot_token")
	}
	if strings.TrimSpace(userID) == "" {
		return hindsight.Errorf(hindsight.EINVALID, "slack: a direct message needs a Slack user ID")
	}
	var ch *slack.Channel
	err := a.call(ctx, "conversations.open", func(ctx context.Context) (err error) {
		ch, _, _, err = a.Client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}})
		return err
	})
	if err != nil {
		return err
	}
	return a.post(ctx, ch.ID, text)
}

// UserOf returns the Slack user ID of a Hindsight handle (slack.users, else
// the directory's slack_id), so that a notification to a person can reach
// them by SendDM.
func (a *App) UserOf(ctx context.Context, handle string) (string, bool) {
	id, ok := a.slackIDs(ctx)[strings.ToLower(hindsight.HandleName(handle))]
	return id, ok
}
