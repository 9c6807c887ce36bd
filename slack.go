package hindsight

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// SlackChannel is the chat channel of one incident: created once across
// instances (a claim with a token and a lease, then the channel's ID), and
// what was last posted to it, so that each change is posted once.
type SlackChannel struct {
	IncidentID string `json:"incident_id"`
	// ChannelID is Slack's ID (C…), empty while the channel is being
	// created.
	ChannelID string `json:"channel_id"`
	Name      string `json:"name"`
	// Shared is true when the incident posts to a configured channel that
	// other incidents share: no timeline capture and no slash command there.
	Shared     bool      `json:"shared"`
	Token      string    `json:"token"`
	ClaimedAt  time.Time `json:"claimed_at"`
	LeaseUntil time.Time `json:"lease_until"`
	// Posted holds what was last posted, by SlackPosted* key.
	Posted map[string]string `json:"posted"`
}

// Keys of SlackChannel.Posted.
const (
	SlackPostedStatus   = "status"
	SlackPostedSeverity = "severity"
	SlackPostedDocument = "document"
	SlackPostedImpact   = "impact"
)

// SlackPostedKeys lists the keys of SlackChannel.Posted.
var SlackPostedKeys = []string{SlackPostedStatus, SlackPostedSeverity, SlackPostedDocument, SlackPostedImpact}

// SlackEvent is one Events API callback as received, queued durably before
// it is answered and applied after.
type SlackEvent struct {
	ID int64 `json:"id"`
	// EventID is Slack's event_id (Ev…), the same on every retry.
	EventID    string    `json:"event_id"`
	Body       []byte    `json:"body"`
	ReceivedAt time.Time `json:"received_at"`
	Attempts   int       `json:"attempts"`
	Token      string    `json:"token"`
}

// Validate returns an EINVALID error that lists every invalid field.
func (e *SlackEvent) Validate() error {
	var v Validation
	if strings.TrimSpace(e.EventID) == "" {
		v.Add("event_id", "is required")
	}
	v.CheckText("event_id", e.EventID, MaxKeyBytes)
	if e.ReceivedAt.IsZero() {
		v.Add("received_at", "is required")
	}
	return v.Err("slack event")
}

// SlackMessage is a chat message captured into an incident's timeline: one
// timeline event per message, kept while at least one reason (a pin, a
// configured reaction by someone) holds it.
type SlackMessage struct {
	ChannelID  string `json:"channel_id"`
	TS         string `json:"message_ts"`
	IncidentID string `json:"incident_id"`
	EventID    int64  `json:"event_id"`
	// Reasons are "pin" and "reaction:NAME:USER", sorted, each once.
	Reasons []string `json:"reasons"`
	// Written is SlackEventHash of the timeline event as captured.
	Written string `json:"written"`
}

// AddReason adds r and reports whether it was new.
func (m *SlackMessage) AddReason(r string) bool {
	if slices.Contains(m.Reasons, r) {
		return false
	}
	m.Reasons = append(m.Reasons, r)
	slices.Sort(m.Reasons)
	return true
}

// RemoveReason removes r and reports whether it was there.
func (m *SlackMessage) RemoveReason(r string) bool {
	i := slices.Index(m.Reasons, r)
	if i < 0 {
		return false
	}
	m.Reasons = slices.Delete(m.Reasons, i, i+1)
	return true
}

// SlackEventHash fingerprints what a person may edit of a timeline event
// (time, type, phase, event, actor, action), so that a captured event can
// be told apart from one a person changed since.
func SlackEventHash(e *TimelineEvent) string {
	h := sha256.New()
	for _, s := range []string{e.Time.UTC().Format(time.RFC3339Nano), string(e.Type), string(e.Phase), e.Event, e.Actor, e.Action} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SlackService stores the Slack app's channels and its queue of Events API
// callbacks. Each call is its own short transaction.
type SlackService interface {
	// ClaimSlackChannel records c as the holder of its incident's channel
	// unless the channel exists or another unexpired claim holds it, and
	// reports whether c holds it now. The claim commits before it returns.
	// Errors: ENOTFOUND (no such incident).
	ClaimSlackChannel(ctx context.Context, c *SlackChannel) (bool, error)
	// SetSlackChannel stores the channel the holder of c created, with
	// c.Posted as what its first message showed. Errors: ENOTFOUND (the
	// token no longer holds it).
	SetSlackChannel(ctx context.Context, c *SlackChannel) error
	// ReleaseSlackChannel drops an unfinished claim, so that a later pass
	// retries. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	ReleaseSlackChannel(ctx context.Context, c *SlackChannel) error
	// FindSlackChannel returns an incident's channel. Errors: ENOTFOUND.
	FindSlackChannel(ctx context.Context, incidentID string) (*SlackChannel, error)
	// FindSlackChannelByID returns the incident channel with Slack's ID
	// channelID; a shared channel is not an incident's. Errors: ENOTFOUND.
	FindSlackChannelByID(ctx context.Context, channelID string) (*SlackChannel, error)
	// FindSlackChannels returns the created channels of incidents that are
	// not resolved or whose post-mortem may still change (not APPROVED or
	// ARCHIVED), at most limit, oldest first. Errors: none beyond
	// EUNAVAILABLE/EINTERNAL.
	FindSlackChannels(ctx context.Context, limit int) ([]*SlackChannel, error)
	// MarkSlackPosted changes Posted[key] of an incident's channel from
	// from to to, and reports whether this call changed it: of several
	// instances, the one that did posts the update. Errors: EINVALID
	// (unknown key).
	MarkSlackPosted(ctx context.Context, incidentID, key, from, to string) (bool, error)
	// QueueSlackEvent stores e unless an event with its EventID is stored,
	// and reports whether it did. Errors: EINVALID.
	QueueSlackEvent(ctx context.Context, e *SlackEvent) (bool, error)
	// ClaimSlackEvents leases up to limit queued events not done whose
	// lease has expired, oldest first, to token until leaseUntil, counting
	// an attempt on each. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	ClaimSlackEvents(ctx context.Context, token string, now, leaseUntil time.Time, limit int) ([]*SlackEvent, error)
	// ApplySlackEvent runs fn in one transaction with the capture records,
	// and marks the event done in it (with failure, when not empty, as the
	// reason it was given up): the event's effect and its completion commit
	// together. Errors: fn's; ENOTFOUND (the token no longer holds it).
	ApplySlackEvent(ctx context.Context, e *SlackEvent, failure string, fn func(tx SlackCapture) error) error
	// PruneSlackEvents deletes events done before cutoff. Errors: none
	// beyond EUNAVAILABLE/EINTERNAL.
	PruneSlackEvents(ctx context.Context, cutoff time.Time) (int64, error)
}

// SlackMessageService stores the chat messages captured into timelines.
// It works inside a transaction (Services), where the Slack app applies an
// Events API callback together with its completion.
type SlackMessageService interface {
	// FindSlackMessage returns a captured message. Errors: ENOTFOUND.
	FindSlackMessage(ctx context.Context, channelID, ts string) (*SlackMessage, error)
	// SaveSlackMessage inserts or replaces a captured message. Errors:
	// EINVALID, ENOTFOUND (no such incident or event).
	SaveSlackMessage(ctx context.Context, m *SlackMessage) error
	// DeleteSlackMessage forgets a captured message. Errors: ENOTFOUND.
	DeleteSlackMessage(ctx context.Context, channelID, ts string) error
}

// SlackCapture is what applying one Events API callback uses, in one
// transaction: the incident channel, the post-mortem's status, timeline
// events and the messages captured into them.
type SlackCapture interface {
	TimelineService
	SlackMessageService
	// FindDocument is DocumentService's: an APPROVED or ARCHIVED
	// post-mortem is a record that chat no longer changes.
	FindDocument(ctx context.Context, incidentID string) (*Document, error)
	// FindSlackChannelByID is SlackService's, inside the transaction.
	FindSlackChannelByID(ctx context.Context, channelID string) (*SlackChannel, error)
}
