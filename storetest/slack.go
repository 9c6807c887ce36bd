package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// populateSlack gives the incident a Slack channel and captures the
// timeline event eventID from a pinned message, so that the backup's Slack
// tables hold rows.
func populateSlack(tb testing.TB, s hindsight.Store, incidentID string, eventID int64) {
	tb.Helper()
	ctx := context.Background()
	ss := s
	c := &hindsight.SlackChannel{IncidentID: incidentID, Token: "instance-a", ClaimedAt: T0, LeaseUntil: T0.Add(2 * time.Minute)}
	claimed, err := ss.ClaimSlackChannel(ctx, c)
	ok(tb, err)
	if !claimed {
		tb.Fatal("ClaimSlackChannel: not claimed in a new store")
	}
	c.ChannelID, c.Name = "C0BACKUP", "incident-backup"
	c.Posted = map[string]string{hindsight.SlackPostedStatus: string(hindsight.IncidentResolved), hindsight.SlackPostedSeverity: "SEV2"}
	ok(tb, ss.SetSlackChannel(ctx, c))
	ok(tb, s.WithTx(ctx, func(tx hindsight.Services) error {
		return tx.SaveSlackMessage(ctx, &hindsight.SlackMessage{ChannelID: "C0BACKUP", TS: "1759191900.000100",
			IncidentID: incidentID, EventID: eventID, Reasons: []string{"pin", "reaction:stopwatch:U0BOB"}, Written: "0f0f"})
	}))
}

// checkSlackRestored checks that a restored store keeps the incident's
// channel (no second channel is made) and its captured message.
func checkSlackRestored(t *testing.T, dst hindsight.Store, incidentID string) {
	t.Helper()
	ctx := context.Background()
	ss := dst
	again := &hindsight.SlackChannel{IncidentID: incidentID, Token: "instance-b", ClaimedAt: T0.Add(time.Hour), LeaseUntil: T0.Add(2 * time.Hour)}
	claimed, err := ss.ClaimSlackChannel(ctx, again)
	ok(t, err)
	if claimed {
		t.Error("an incident whose channel was made before the backup was claimed again after the restore")
	}
	m, err := ss.FindSlackMessage(ctx, "C0BACKUP", "1759191900.000100")
	ok(t, err)
	if m.IncidentID != incidentID || len(m.Reasons) != 2 {
		t.Errorf("restored captured message %+v", m)
	}
}
