package distribution

import (
	"context"
	"fmt"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Record reads the ticks of post-mortems from the distribution records.
type Record struct {
	Store   hindsight.DistributionRecordService
	Entries []hindsight.DistributionEntry
}

// DistributionTicks returns one tick per entry of pm's Distribution List, from the
// records of its current approval.
func (rec *Record) DistributionTicks(ctx context.Context, pm *hindsight.Postmortem) ([]hindsight.DistributionTick, error) {
	if !pm.Document.Closed() || pm.Document.ApprovedAt == nil {
		return ticksWithNote(pm, "sent on approval"), nil
	}
	records, err := rec.Store.FindDistributionRecords(ctx, pm.Incident.ID)
	if err != nil {
		return nil, err
	}
	period := hindsight.DistributionPeriod(*pm.Document.ApprovedAt)
	sent := map[string]*time.Time{}
	for _, r := range records {
		if r.Period == period {
			sent[r.Channel] = r.SentAt
		}
	}
	deliveries := hindsight.Deliveries(rec.Entries, List(pm), pm.Incident.Severity)
	ticks := []hindsight.DistributionTick{}
	for _, item := range List(pm) {
		t := hindsight.DistributionTick{Label: item.Label, Deliveries: []hindsight.SentDelivery{}}
		for _, d := range deliveries {
			if d.Label == item.Label {
				t.Deliveries = append(t.Deliveries, hindsight.SentDelivery{Channel: d.Channel, SentAt: sent[d.Key()]})
			}
		}
		t.SentAt, t.Note = rec.status(pm, item.Label, t.Deliveries)
		ticks = append(ticks, t)
	}
	return ticks, nil
}

// status is when an entry was sent in full, or why it is not.
func (rec *Record) status(pm *hindsight.Postmortem, label string, ds []hindsight.SentDelivery) (*time.Time, string) {
	if len(ds) == 0 {
		for _, e := range rec.Entries {
			if e.Matches(label) && !e.When.Holds(pm.Incident.Severity) {
				return nil, fmt.Sprintf("not sent: %s is not %s", pm.Incident.Severity, e.When)
			}
		}
		return nil, "not sent: no distribution entry is configured for it"
	}
	var last *time.Time
	for _, d := range ds {
		if d.SentAt == nil {
			return nil, "pending"
		}
		if last == nil || d.SentAt.After(*last) {
			last = d.SentAt
		}
	}
	return last, ""
}

func ticksWithNote(pm *hindsight.Postmortem, note string) []hindsight.DistributionTick {
	ticks := []hindsight.DistributionTick{}
	for _, item := range List(pm) {
		ticks = append(ticks, hindsight.DistributionTick{Label: item.Label, Deliveries: []hindsight.SentDelivery{}, Note: note})
	}
	return ticks
}

var _ hindsight.DistributionTicker = (*Record)(nil)
