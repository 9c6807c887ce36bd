package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// The Slack app's records (migration 00018): each incident's channel,
// created once across instances by the reminder record's pattern (insert a
// claim with a token and a lease, commit, then call Slack), the durable
// queue of Events API callbacks, and the chat messages captured into
// timelines.

var (
	_ hindsight.SlackService = (*Store)(nil)
	_ hindsight.SlackCapture = (*Tx)(nil)
)

const claimSlackChannel = "INSERT INTO slack_channels (incident_id, shared, token, claimed_at, lease_until) " +
	"VALUES (?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET " +
	"token = excluded.token, shared = excluded.shared, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until " +
	"WHERE slack_channels.channel_id = '' AND slack_channels.lease_until < excluded.claimed_at"

const slackChannelCols = "incident_id, channel_id, name, shared, token, claimed_at, lease_until, " +
	"posted_status, posted_severity, posted_document, posted_impact"

// postedColumns maps the keys of SlackChannel.Posted onto their columns.
var postedColumns = map[string]string{
	hindsight.SlackPostedStatus:   "posted_status",
	hindsight.SlackPostedSeverity: "posted_severity",
	hindsight.SlackPostedDocument: "posted_document",
	hindsight.SlackPostedImpact:   "posted_impact",
}

// ClaimSlackChannel records c as the holder of its incident's channel.
func (s *Store) ClaimSlackChannel(ctx context.Context, c *hindsight.SlackChannel) (bool, error) {
	var claimed bool
	err := s.update(ctx, func(tx *Tx) error {
		if _, err := tx.FindIncidentByID(ctx, c.IncidentID); err != nil {
			return err
		}
		n, err := tx.execCount(ctx, claimSlackChannel, c.IncidentID, boolInt(c.Shared), c.Token,
			ts(normalize(c.ClaimedAt)), ts(normalize(c.LeaseUntil)))
		claimed = n == 1
		return err
	})
	return claimed, err
}

// SetSlackChannel stores the channel that c's holder created.
func (s *Store) SetSlackChannel(ctx context.Context, c *hindsight.SlackChannel) error {
	return s.update(ctx, func(tx *Tx) error {
		n, err := tx.execCount(ctx, "UPDATE slack_channels SET channel_id = ?, name = ?, posted_status = ?, posted_severity = ?, "+
			"posted_document = ?, posted_impact = ? WHERE incident_id = ? AND token = ? AND channel_id = ''",
			c.ChannelID, c.Name, c.Posted[hindsight.SlackPostedStatus], c.Posted[hindsight.SlackPostedSeverity],
			c.Posted[hindsight.SlackPostedDocument], c.Posted[hindsight.SlackPostedImpact], c.IncidentID, c.Token)
		if err != nil {
			return err
		}
		if n == 0 {
			return hindsight.Errorf(hindsight.ENOTFOUND, "the Slack channel of %s is no longer claimed by this instance", c.IncidentID)
		}
		return nil
	})
}

// ReleaseSlackChannel drops an unfinished claim held by c's token.
func (s *Store) ReleaseSlackChannel(ctx context.Context, c *hindsight.SlackChannel) error {
	return s.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM slack_channels WHERE incident_id = ? AND token = ? AND channel_id = ''", c.IncidentID, c.Token)
		return err
	})
}

// FindSlackChannel returns an incident's channel.
func (s *Store) FindSlackChannel(ctx context.Context, incidentID string) (c *hindsight.SlackChannel, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		c, err = scanSlackChannel(tx.queryRow(ctx, "SELECT "+slackChannelCols+" FROM slack_channels WHERE incident_id = ?", incidentID))
		return err
	})
	return c, err
}

// FindSlackChannelByID returns the incident channel with Slack's ID.
func (s *Store) FindSlackChannelByID(ctx context.Context, channelID string) (c *hindsight.SlackChannel, err error) {
	err = s.view(ctx, func(tx *Tx) error { c, err = tx.FindSlackChannelByID(ctx, channelID); return err })
	return c, err
}

// FindSlackChannelByID returns the incident channel with Slack's ID.
func (tx *Tx) FindSlackChannelByID(ctx context.Context, channelID string) (*hindsight.SlackChannel, error) {
	if channelID == "" {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no incident channel without an ID")
	}
	return scanSlackChannel(tx.queryRow(ctx, "SELECT "+slackChannelCols+" FROM slack_channels WHERE channel_id = ? AND shared = 0", channelID))
}

// FindSlackChannels returns the created channels whose incident may still
// change, oldest claim first.
func (s *Store) FindSlackChannels(ctx context.Context, limit int) (out []*hindsight.SlackChannel, err error) {
	if limit <= 0 {
		limit = hindsight.MaxPageLimit
	}
	err = s.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT "+prefixCols("c.", slackChannelCols)+" FROM slack_channels c "+
			"LEFT JOIN documents d ON d.incident_id = c.incident_id "+
			"WHERE c.channel_id <> '' AND (d.status IS NULL OR d.status NOT IN ('APPROVED', 'ARCHIVED') OR c.posted_document <> d.status) "+
			"ORDER BY c.claimed_at, c.incident_id LIMIT ?", limit)
		if err != nil {
			return err
		}
		return eachRow(tx, rows, func(sc scanner) error {
			c, err := scanSlackChannel(sc)
			out = append(out, c)
			return err
		})
	})
	return out, err
}

// MarkSlackPosted changes one posted value from from to to.
func (s *Store) MarkSlackPosted(ctx context.Context, incidentID, key, from, to string) (bool, error) {
	col, ok := postedColumns[key]
	if !ok {
		return false, hindsight.Errorf(hindsight.EINVALID, "unknown posted key %q", key)
	}
	var changed bool
	err := s.update(ctx, func(tx *Tx) error {
		n, err := tx.execCount(ctx, "UPDATE slack_channels SET "+col+" = ? WHERE incident_id = ? AND "+col+" = ?", to, incidentID, from)
		changed = n == 1
		return err
	})
	return changed, err
}

// scanSlackChannel reads one slack_channels row.
func scanSlackChannel(sc scanner) (*hindsight.SlackChannel, error) {
	var c hindsight.SlackChannel
	var shared int
	var claimed, lease sql.NullInt64
	var st, sev, doc, imp string
	err := sc.Scan(&c.IncidentID, &c.ChannelID, &c.Name, &shared, &c.Token, &claimed, &lease, &st, &sev, &doc, &imp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no such Slack channel")
	}
	if err != nil {
		return nil, err
	}
	c.Shared, c.ClaimedAt, c.LeaseUntil = shared != 0, fromTS(claimed), fromTS(lease)
	c.Posted = map[string]string{hindsight.SlackPostedStatus: st, hindsight.SlackPostedSeverity: sev,
		hindsight.SlackPostedDocument: doc, hindsight.SlackPostedImpact: imp}
	return &c, nil
}

// prefixCols qualifies each of a comma-separated column list with p.
func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// QueueSlackEvent stores e unless its EventID is stored.
func (s *Store) QueueSlackEvent(ctx context.Context, e *hindsight.SlackEvent) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, err
	}
	var queued bool
	err := s.update(ctx, func(tx *Tx) error {
		n, err := tx.execCount(ctx, "INSERT INTO slack_events (event_id, body, received_at) VALUES (?, ?, ?) "+
			"ON CONFLICT (event_id) DO NOTHING", e.EventID, string(e.Body), ts(normalize(e.ReceivedAt)))
		queued = n == 1
		return err
	})
	return queued, err
}

// ClaimSlackEvents leases up to limit pending events to token.
func (s *Store) ClaimSlackEvents(ctx context.Context, token string, now, leaseUntil time.Time, limit int) (out []*hindsight.SlackEvent, err error) {
	err = s.update(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "UPDATE slack_events SET token = ?, lease_until = ?, attempts = attempts + 1 "+
			"WHERE id IN (SELECT id FROM slack_events WHERE done_at IS NULL AND lease_until < ? ORDER BY id LIMIT ?"+tx.d.skipLocked+") "+
			"RETURNING id, event_id, body, received_at, attempts, token",
			token, ts(normalize(leaseUntil)), ts(normalize(now)), limit)
		if err != nil {
			return err
		}
		return eachRow(tx, rows, func(sc scanner) error {
			var e hindsight.SlackEvent
			var body string
			var at sql.NullInt64
			if err := sc.Scan(&e.ID, &e.EventID, &body, &at, &e.Attempts, &e.Token); err != nil {
				return err
			}
			e.Body, e.ReceivedAt = []byte(body), fromTS(at)
			out = append(out, &e)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// RETURNING gives no order; events apply oldest first.
	slices.SortFunc(out, func(a, b *hindsight.SlackEvent) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ApplySlackEvent runs fn and marks the event done in one transaction.
func (s *Store) ApplySlackEvent(ctx context.Context, e *hindsight.SlackEvent, failure string, fn func(tx hindsight.SlackCapture) error) error {
	return s.update(ctx, func(tx *Tx) error {
		n, err := tx.execCount(ctx, "UPDATE slack_events SET done_at = ?, error = ? WHERE id = ? AND token = ? AND done_at IS NULL",
			ts(tx.now), failure, e.ID, e.Token)
		if err != nil {
			return err
		}
		if n == 0 {
			return hindsight.Errorf(hindsight.ENOTFOUND, "Slack event %s is no longer held by this instance", e.EventID)
		}
		if fn == nil {
			return nil
		}
		return fn(tx)
	})
}

// PruneSlackEvents deletes events done before cutoff.
func (s *Store) PruneSlackEvents(ctx context.Context, cutoff time.Time) (n int64, err error) {
	err = s.update(ctx, func(tx *Tx) (err error) {
		n, err = tx.execCount(ctx, "DELETE FROM slack_events WHERE done_at IS NOT NULL AND done_at < ?", ts(normalize(cutoff)))
		return err
	})
	return n, err
}

// FindSlackMessage returns a captured message.
func (s *Store) FindSlackMessage(ctx context.Context, channelID, msgTS string) (m *hindsight.SlackMessage, err error) {
	err = s.view(ctx, func(tx *Tx) error { m, err = tx.FindSlackMessage(ctx, channelID, msgTS); return err })
	return m, err
}

// SaveSlackMessage inserts or replaces a captured message.
func (s *Store) SaveSlackMessage(ctx context.Context, m *hindsight.SlackMessage) error {
	return s.update(ctx, func(tx *Tx) error { return tx.SaveSlackMessage(ctx, m) })
}

// DeleteSlackMessage forgets a captured message.
func (s *Store) DeleteSlackMessage(ctx context.Context, channelID, msgTS string) error {
	return s.update(ctx, func(tx *Tx) error { return tx.DeleteSlackMessage(ctx, channelID, msgTS) })
}

// FindSlackMessage returns a captured message.
func (tx *Tx) FindSlackMessage(ctx context.Context, channelID, msgTS string) (*hindsight.SlackMessage, error) {
	m := hindsight.SlackMessage{ChannelID: channelID, TS: msgTS}
	var reasons string
	err := tx.queryRow(ctx, "SELECT incident_id, event_id, reasons, written FROM slack_messages WHERE channel_id = ? AND message_ts = ?",
		channelID, msgTS).Scan(&m.IncidentID, &m.EventID, &reasons, &m.Written)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "message %s of channel %s was not captured", msgTS, channelID)
	}
	if err != nil {
		return nil, tx.d.mapError(err)
	}
	m.Reasons = strings.Fields(reasons)
	return &m, nil
}

// SaveSlackMessage inserts or replaces a captured message.
func (tx *Tx) SaveSlackMessage(ctx context.Context, m *hindsight.SlackMessage) error {
	var v hindsight.Validation
	v.CheckText("channel_id", m.ChannelID, hindsight.MaxKeyBytes)
	v.CheckText("message_ts", m.TS, hindsight.MaxKeyBytes)
	if m.ChannelID == "" || m.TS == "" || m.EventID == 0 {
		v.Add("message", "needs a channel, a ts and a timeline event")
	}
	if err := v.Err("slack message"); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO slack_messages (channel_id, message_ts, incident_id, event_id, reasons, written) "+
		"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, message_ts) DO UPDATE SET incident_id = excluded.incident_id, "+
		"event_id = excluded.event_id, reasons = excluded.reasons, written = excluded.written",
		m.ChannelID, m.TS, m.IncidentID, m.EventID, strings.Join(m.Reasons, " "), m.Written)
	return err
}

// DeleteSlackMessage forgets a captured message.
func (tx *Tx) DeleteSlackMessage(ctx context.Context, channelID, msgTS string) error {
	n, err := tx.execCount(ctx, "DELETE FROM slack_messages WHERE channel_id = ? AND message_ts = ?", channelID, msgTS)
	if err != nil {
		return err
	}
	if n == 0 {
		return hindsight.Errorf(hindsight.ENOTFOUND, "message %s of channel %s was not captured", msgTS, channelID)
	}
	return nil
}
