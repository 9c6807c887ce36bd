package slack

import (
	"context"
	"errors"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// current is what an incident's channel would show now, by posted key.
func (a *App) current(ctx context.Context, pm *hindsight.Postmortem) map[string]string {
	cur := map[string]string{
		hindsight.SlackPostedStatus:   string(pm.Incident.Status),
		hindsight.SlackPostedSeverity: string(pm.Incident.Severity),
		hindsight.SlackPostedDocument: string(pm.Document.Status),
	}
	if rec, err := a.Store.FindImpact(ctx, pm.Incident.ID); err == nil && !rec.ComputedAt.IsZero() {
		cur[hindsight.SlackPostedImpact] = rec.ComputedAt.UTC().Format(time.RFC3339Nano)
	}
	return cur
}

// PostUpdates posts, to each incident channel, what changed since its last
// post: status, severity, the post-mortem's status (review request,
// approval), a new measurement of impact. Each change is posted once
// across instances: the instance that moves the stored value from what it
// read posts it, and moves it back when the post fails, for a retry.
func (a *App) PostUpdates(ctx context.Context) (int, error) {
	if a.Client == nil && a.Webhook == nil {
		return 0, nil
	}
	channels, err := a.Store.FindSlackChannels(ctx, hindsight.MaxPageLimit)
	if err != nil {
		return 0, err
	}
	posted := 0
	var errs []error
	for _, c := range channels {
		n, err := a.updateChannel(ctx, c)
		posted += n
		if err != nil {
			a.log().Warn("slack: update not posted; a later pass retries", "incident", c.IncidentID, "err", err)
			errs = append(errs, err)
		}
	}
	return posted, errors.Join(errs...)
}

// updateChannel posts the changes of one incident.
func (a *App) updateChannel(ctx context.Context, c *hindsight.SlackChannel) (int, error) {
	pm, err := a.Store.FindPostmortem(ctx, c.IncidentID)
	if err != nil {
		return 0, err
	}
	cur := a.current(ctx, pm)
	posted := 0
	topic := false
	for _, key := range hindsight.SlackPostedKeys {
		from, to := c.Posted[key], cur[key]
		if from == to || to == "" {
			continue
		}
		text := a.updateText(ctx, key, from, pm)
		won, err := a.Store.MarkSlackPosted(ctx, c.IncidentID, key, from, to)
		if err != nil || !won {
			return posted, err
		}
		if text != "" {
			if err := a.post(ctx, c.ChannelID, text); err != nil {
				_, rerr := a.Store.MarkSlackPosted(context.WithoutCancel(ctx), c.IncidentID, key, to, from)
				return posted, errors.Join(err, rerr)
			}
			posted++
		}
		topic = topic || key == hindsight.SlackPostedStatus || key == hindsight.SlackPostedSeverity
	}
	if topic && !c.Shared {
		return posted, a.setTopic(ctx, c.ChannelID, &pm.Incident)
	}
	return posted, nil
}

// updateText is the message announcing a change of key from from; "" when
// the change is not worth a message (a draft being created).
func (a *App) updateText(ctx context.Context, key, from string, pm *hindsight.Postmortem) string {
	inc := &pm.Incident
	switch key {
	case hindsight.SlackPostedStatus:
		return StatusUpdate(inc, from, a.BaseURL)
	case hindsight.SlackPostedSeverity:
		return SeverityUpdate(inc, from, a.BaseURL)
	case hindsight.SlackPostedDocument:
		if pm.Document.Status == hindsight.DocDraft {
			return ""
		}
		return DocumentUpdate(pm, a.Policy, a.slackIDs(ctx), a.BaseURL)
	case hindsight.SlackPostedImpact:
		if pm.Impact == nil {
			return ""
		}
		return ImpactUpdate(inc, *pm.Impact, a.BaseURL)
	}
	return ""
}
