package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/hindsight-sre/hindsight"
)

// claimBatch is how many queued events one pass leases at a time.
const claimBatch = 50

// maxCapturedText bounds a captured message's text in the timeline.
const maxCapturedText = 2000

// SourceSlack is the Source of timeline events captured from Slack.
const SourceSlack = "slack"

// innerEvent is the part of pin_added, pin_removed, reaction_added and
// reaction_removed that capture reads.
type innerEvent struct {
	Type      string `json:"type"`
	User      string `json:"user"`
	Reaction  string `json:"reaction"`
	ChannelID string `json:"channel_id"`
	Item      struct {
		Type    string `json:"type"`
		Channel string `json:"channel"`
		TS      string `json:"ts"`
		Message *struct {
			User      string `json:"user"`
			Username  string `json:"username"`
			Text      string `json:"text"`
			TS        string `json:"ts"`
			Permalink string `json:"permalink"`
		} `json:"message"`
	} `json:"item"`
}

// change is one queued event read: a reason added to or removed from one
// message of one channel.
type change struct {
	add       bool
	reason    string
	channelID string
	ts        string
	// msg is the message's content, fetched before the transaction for an
	// addition.
	msg *captured
}

// captured is what the timeline shows of a message.
type captured struct {
	time                time.Time
	author, text, plink string
}

// ApplyQueued applies the queued Events API callbacks, oldest first, and
// returns how many it applied. One that fails is retried on a later pass
// (its lease expires), and given up after MaxAttempts.
func (a *App) ApplyQueued(ctx context.Context) (int, error) {
	token := newToken()
	now := a.now()
	events, err := a.Store.ClaimSlackEvents(ctx, token, now, now.Add(a.lease()), claimBatch)
	if err != nil {
		return 0, err
	}
	applied := 0
	var errs []error
	for _, e := range events {
		err := a.applyEvent(ctx, e)
		if err == nil {
			applied++
			continue
		}
		if e.Attempts >= MaxAttempts {
			a.log().Warn("slack: event given up", "event_id", e.EventID, "attempts", e.Attempts, "err", err)
			err = errors.Join(fmt.Errorf("slack: event %s given up after %d attempts: %w", e.EventID, e.Attempts, err),
				a.Store.ApplySlackEvent(ctx, e, err.Error(), nil))
		}
		errs = append(errs, err)
	}
	return applied, errors.Join(errs...)
}

// applyEvent reads one event, fetches what it needs from Slack, and
// applies it in one transaction with its completion.
func (a *App) applyEvent(ctx context.Context, e *hindsight.SlackEvent) error {
	var env struct {
		Event innerEvent `json:"event"`
	}
	if err := json.Unmarshal(e.Body, &env); err != nil {
		return a.Store.ApplySlackEvent(ctx, e, "not JSON", nil)
	}
	ch, ok := a.changeOf(env.Event)
	if !ok {
		return a.Store.ApplySlackEvent(ctx, e, "", nil)
	}
	if _, err := a.Store.FindSlackChannelByID(ctx, ch.channelID); err != nil {
		if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
			return a.Store.ApplySlackEvent(ctx, e, "", nil) // not an incident channel
		}
		return err
	}
	if ch.add {
		// A message already captured only gains a reason: no need to read it.
		_, err := a.Store.FindSlackMessage(ctx, ch.channelID, ch.ts)
		if hindsight.ErrorCode(err) != hindsight.ENOTFOUND && err != nil {
			return err
		}
		if err != nil {
			m, err := a.fetch(ctx, env.Event, ch)
			if err != nil {
				return err
			}
			ch.msg = m
		}
	}
	return a.Store.ApplySlackEvent(ctx, e, "", func(tx hindsight.SlackCapture) error { return a.apply(ctx, tx, ch) })
}

// changeOf reads the change an event makes; ok is false for events that
// capture ignores (other types, reactions not configured, files).
func (a *App) changeOf(ev innerEvent) (change, bool) {
	c := change{channelID: ev.Item.Channel, ts: ev.Item.TS}
	switch ev.Type {
	case "pin_added", "pin_removed":
		c.add, c.reason = ev.Type == "pin_added", "pin"
		if c.channelID == "" {
			c.channelID = ev.ChannelID
		}
		if ev.Item.Message != nil && c.ts == "" {
			c.ts = ev.Item.Message.TS
		}
	case "reaction_added", "reaction_removed":
		if !slices.Contains(a.Reactions, ev.Reaction) {
			return c, false
		}
		c.add, c.reason = ev.Type == "reaction_added", "reaction:"+ev.Reaction+":"+ev.User
	default:
		return c, false
	}
	return c, ev.Item.Type == "message" && c.channelID != "" && c.ts != ""
}

// apply adds or removes one reason of one message, inside the
// transaction that marks the event done.
func (a *App) apply(ctx context.Context, tx hindsight.SlackCapture, ch change) error {
	ic, err := tx.FindSlackChannelByID(ctx, ch.channelID)
	if err != nil {
		return err
	}
	if doc, err := tx.FindDocument(ctx, ic.IncidentID); err == nil &&
		(doc.Status == hindsight.DocApproved || doc.Status == hindsight.DocArchived) {
		return nil // a record: chat no longer changes it
	}
	m, err := tx.FindSlackMessage(ctx, ch.channelID, ch.ts)
	if err != nil && hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		return err
	}
	if ch.add {
		if m != nil {
			if m.AddReason(ch.reason) {
				return tx.SaveSlackMessage(ctx, m)
			}
			return nil
		}
		if ch.msg == nil {
			return fmt.Errorf("slack: message %s of %s was forgotten meanwhile; retrying", ch.ts, ch.channelID)
		}
		ev := &hindsight.TimelineEvent{IncidentID: ic.IncidentID, Time: ch.msg.time, Type: hindsight.EventNote,
			Event: "From Slack", Actor: ch.msg.author, Action: actionText(ch.msg), Source: SourceSlack}
		if err := tx.AddTimelineEvent(ctx, ev); err != nil {
			return err
		}
		m = &hindsight.SlackMessage{ChannelID: ch.channelID, TS: ch.ts, IncidentID: ic.IncidentID, EventID: ev.ID,
			Written: hindsight.SlackEventHash(ev)}
		m.AddReason(ch.reason)
		return tx.SaveSlackMessage(ctx, m)
	}
	if m == nil || !m.RemoveReason(ch.reason) {
		return nil
	}
	if len(m.Reasons) > 0 {
		return tx.SaveSlackMessage(ctx, m)
	}
	return a.forget(ctx, tx, m)
}

// forget drops a message no reason holds any more, and its timeline event
// unless a person edited it since.
func (a *App) forget(ctx context.Context, tx hindsight.SlackCapture, m *hindsight.SlackMessage) error {
	if err := tx.DeleteSlackMessage(ctx, m.ChannelID, m.TS); err != nil {
		return err
	}
	events, err := tx.FindTimeline(ctx, m.IncidentID)
	if err != nil {
		return err
	}
	for _, ev := range events {
		if ev.ID == m.EventID && hindsight.SlackEventHash(ev) == m.Written {
			return tx.DeleteTimelineEvent(ctx, ev.ID)
		}
	}
	return nil
}

// actionText is the timeline's Action/Observation of a captured message:
// its text, bounded, and its permalink.
func actionText(m *captured) string {
	text := strings.TrimSpace(m.text)
	if len(text) > maxCapturedText {
		cut := maxCapturedText
		for cut > 0 && !utf8Start(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	if m.plink != "" {
		text += " (" + m.plink + ")"
	}
	return text
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// fetch reads the message a reason was added to: from the pin event
// itself, or from conversations.history; its permalink; its author's name.
func (a *App) fetch(ctx context.Context, ev innerEvent, ch change) (*captured, error) {
	var user, name, text, plink string
	if m := ev.Item.Message; m != nil {
		user, name, text, plink = m.User, m.Username, m.Text, m.Permalink
	} else {
		var hist *slack.GetConversationHistoryResponse
		err := a.call(ctx, "conversations.history", func(ctx context.Context) (err error) {
			hist, err = a.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: ch.channelID, Latest: ch.ts, Oldest: ch.ts, Inclusive: true, Limit: 1})
			return err
		})
		if err != nil {
			return nil, err
		}
		msgs := hist.Messages
		if len(msgs) == 0 {
			// Not a top-level message: a reply in a thread, which
			// conversations.replies finds by its own ts.
			if msgs, err = a.reply(ctx, ch); err != nil {
				return nil, err
			}
		}
		i := slices.IndexFunc(msgs, func(m slack.Message) bool { return m.Timestamp == ch.ts })
		if i < 0 {
			return nil, fmt.Errorf("slack: message %s of %s not found", ch.ts, ch.channelID)
		}
		user, name, text = msgs[i].User, msgs[i].Username, msgs[i].Text
	}
	if plink == "" {
		err := a.call(ctx, "chat.getPermalink", func(ctx context.Context) (err error) {
			plink, err = a.Client.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ch.channelID, Ts: ch.ts})
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	author, err := a.authorName(ctx, user, name)
	if err != nil {
		return nil, err
	}
	t, err := MessageTime(ch.ts)
	if err != nil {
		return nil, err
	}
	return &captured{time: t, author: author, text: text, plink: plink}, nil
}

// reply reads a thread reply by its ts.
func (a *App) reply(ctx context.Context, ch change) ([]slack.Message, error) {
	var msgs []slack.Message
	err := a.call(ctx, "conversations.replies", func(ctx context.Context) (err error) {
		msgs, _, _, err = a.Client.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: ch.channelID, Timestamp: ch.ts, Latest: ch.ts, Oldest: ch.ts, Inclusive: true, Limit: 1})
		return err
	})
	return msgs, err
}

// authorName is the person's handle when the Slack user is mapped, else
// their Slack name (real name first).
func (a *App) authorName(ctx context.Context, user, fallback string) (string, error) {
	if p, ok := a.person(ctx, user); ok {
		return hindsight.HandleName(p.Handle), nil
	}
	if user == "" {
		return firstNonEmpty(fallback, "Slack"), nil
	}
	var u *slack.User
	err := a.call(ctx, "users.info", func(ctx context.Context) (err error) {
		u, err = a.Client.GetUserInfoContext(ctx, user)
		return err
	})
	if err != nil {
		return "", err
	}
	return firstNonEmpty(u.RealName, u.Profile.DisplayName, u.Name, user), nil
}

// MessageTime reads a Slack message ts ("1727655840.000200": seconds and
// microseconds) as a time.
func MessageTime(ts string) (time.Time, error) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("slack: message ts %q is not a Slack timestamp", ts)
	}
	var us int64
	if frac != "" {
		frac = (frac + "000000")[:6]
		if us, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return time.Time{}, fmt.Errorf("slack: message ts %q is not a Slack timestamp", ts)
		}
	}
	return time.Unix(s, us*1000).UTC(), nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
