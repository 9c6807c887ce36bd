package sqlstore

import (
	"context"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// The Slack app's channels and captured messages travel in backups (format
// version 3 on, absent before): a restored store neither creates a second
// channel for an incident nor captures a message twice. The queue of
// Events API callbacks (slack_events) is left out: it is work in flight,
// applied within seconds, like search_queue.

// slackSections are the backup's Slack tables; by orders text keys.
func slackSections(by func(cols ...string) string) []section {
	return []section{
		{"slack_channels", "SELECT " + slackChannelCols + " FROM slack_channels" + by("incident_id"),
			func(sc scanner) (any, error) { return scanSlackChannel(sc) }},
		{"slack_messages", "SELECT channel_id, message_ts, incident_id, event_id, reasons, written FROM slack_messages" +
			by("channel_id", "message_ts"), scanSlackMessageRow},
	}
}

func scanSlackMessageRow(sc scanner) (any, error) {
	var m hindsight.SlackMessage
	var reasons string
	if err := sc.Scan(&m.ChannelID, &m.TS, &m.IncidentID, &m.EventID, &reasons, &m.Written); err != nil {
		return nil, err
	}
	m.Reasons = strings.Fields(reasons)
	return &m, nil
}

// importSlack inserts the backup's Slack rows as they are.
func (tx *Tx) importSlack(ctx context.Context, b *backup) error {
	for _, c := range b.SlackChannels {
		_, err := tx.exec(ctx, "INSERT INTO slack_channels ("+slackChannelCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			c.IncidentID, c.ChannelID, c.Name, boolInt(c.Shared), c.Token, ts(c.ClaimedAt), ts(c.LeaseUntil),
			c.Posted[hindsight.SlackPostedStatus], c.Posted[hindsight.SlackPostedSeverity],
			c.Posted[hindsight.SlackPostedDocument], c.Posted[hindsight.SlackPostedImpact])
		if err != nil {
			return err
		}
	}
	for _, m := range b.SlackMessages {
		if err := tx.SaveSlackMessage(ctx, m); err != nil {
			return err
		}
	}
	return nil
}
