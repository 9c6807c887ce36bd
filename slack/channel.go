package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/hindsight-sre/hindsight"
)

// MaxChannelName is Slack's limit on a channel name.
const MaxChannelName = 80

// webhookChannel is the channel ID recorded for incidents whose updates go
// to the incoming webhook.
const webhookChannel = "webhook"

// ChannelName returns the channel name of an incident: its ID in lowercase
// (incident-20250930-0024-highapierrorrate), every character Slack refuses
// (anything but a-z, 0-9, '-' and '_') as '-', cut to 80 characters.
func ChannelName(incidentID string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(incidentID) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= MaxChannelName {
			break
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if len(name) > MaxChannelName {
		name = strings.TrimRight(name[:MaxChannelName], "-")
	}
	if name == "" {
		name = "incident"
	}
	return name
}

// CreateChannels gives each open incident at or above MinSeverity its
// channel (or its first post to the configured channel or webhook), once
// across instances, and returns how many it made.
func (a *App) CreateChannels(ctx context.Context) (int, error) {
	if a.Client == nil && a.Webhook == nil {
		return 0, nil
	}
	var due []*hindsight.Incident
	for _, st := range []hindsight.IncidentStatus{hindsight.IncidentInvestigating, hindsight.IncidentMitigated} {
		incs, _, err := a.Store.FindIncidents(ctx, hindsight.IncidentFilter{Status: st, Page: hindsight.Page{Limit: hindsight.MaxPageLimit}})
		if err != nil {
			return 0, err
		}
		for _, inc := range incs {
			if inc.Severity.AtLeast(a.MinSeverity) {
				due = append(due, inc)
			}
		}
	}
	made := 0
	var errs []error
	for _, inc := range due {
		if _, err := a.Store.FindSlackChannel(ctx, inc.ID); err == nil {
			continue
		} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			return made, err
		}
		ok, err := a.createChannel(ctx, inc)
		if err != nil {
			errs = append(errs, err)
			a.log().Warn("slack: incident channel not made; a later pass retries", "incident", inc.ID, "err", err)
		}
		if ok {
			made++
		}
	}
	return made, errors.Join(errs...)
}

// createChannel claims the incident's channel and makes it. It reports
// whether this instance made it.
func (a *App) createChannel(ctx context.Context, inc *hindsight.Incident) (bool, error) {
	now := a.now()
	c := &hindsight.SlackChannel{IncidentID: inc.ID, Token: newToken(), ClaimedAt: now, LeaseUntil: now.Add(a.lease()),
		Shared: a.Channel != "" || a.Client == nil}
	ok, err := a.Store.ClaimSlackChannel(ctx, c)
	if err != nil || !ok {
		return false, err
	}
	pm, err := a.Store.FindPostmortem(ctx, inc.ID)
	if err != nil {
		return false, a.release(ctx, c, err)
	}
	c.Posted = a.current(ctx, pm)
	switch {
	case a.Client == nil:
		c.ChannelID = webhookChannel
	case a.Channel != "":
		c.ChannelID = a.Channel
	default:
		name := ChannelName(inc.ID)
		var ch *slack.Channel
		err := a.call(ctx, "conversations.create", func(ctx context.Context) (err error) {
			ch, err = a.Client.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: name, IsPrivate: a.Private})
			return err
		})
		if err != nil {
			return false, a.release(ctx, c, err)
		}
		c.ChannelID, c.Name = ch.ID, ch.Name
	}
	// Stored before anything else is sent, so that a failure below never
	// makes a second channel.
	if err := a.Store.SetSlackChannel(ctx, c); err != nil {
		return false, err
	}
	a.log().Info("slack: incident channel ready", "incident", inc.ID, "channel", c.ChannelID, "name", c.Name)
	return true, a.welcome(ctx, c, pm)
}

// welcome invites the responders, sets the topic and posts the summary.
func (a *App) welcome(ctx context.Context, c *hindsight.SlackChannel, pm *hindsight.Postmortem) error {
	var errs []error
	if !c.Shared && len(a.Responders) > 0 {
		err := a.call(ctx, "conversations.invite", func(ctx context.Context) error {
			_, err := a.Client.InviteUsersToConversationContext(ctx, c.ChannelID, a.Responders...)
			return err
		})
		if err != nil && !strings.Contains(err.Error(), "already_in_channel") {
			errs = append(errs, err)
		}
	}
	if !c.Shared {
		errs = append(errs, a.setTopic(ctx, c.ChannelID, &pm.Incident))
	}
	errs = append(errs, a.post(ctx, c.ChannelID, Summary(pm, a.BaseURL)))
	return errors.Join(errs...)
}

// setTopic keeps the channel's topic current: severity, status, title.
func (a *App) setTopic(ctx context.Context, channelID string, inc *hindsight.Incident) error {
	if a.Client == nil || channelID == webhookChannel {
		return nil
	}
	return a.call(ctx, "conversations.setTopic", func(ctx context.Context) error {
		_, err := a.Client.SetTopicOfConversationContext(ctx, channelID, Topic(inc))
		return err
	})
}

// post sends one mrkdwn message to a channel, or to the webhook.
func (a *App) post(ctx context.Context, channelID, text string) error {
	if a.Client == nil || channelID == webhookChannel {
		if a.Webhook == nil {
			return errors.New("slack: no bot token and no webhook to post to")
		}
		return a.Webhook.SendText(ctx, text)
	}
	return a.call(ctx, "chat.postMessage", func(ctx context.Context) error {
		_, _, err := a.Client.PostMessageContext(ctx, channelID, slack.MsgOptionText(text, false),
			slack.MsgOptionDisableLinkUnfurl())
		return err
	})
}

// release drops a claim after a failure, and returns the failure.
func (a *App) release(ctx context.Context, c *hindsight.SlackChannel, cause error) error {
	if err := a.Store.ReleaseSlackChannel(context.WithoutCancel(ctx), c); err != nil {
		return errors.Join(cause, fmt.Errorf("release the claim: %w", err))
	}
	return cause
}
