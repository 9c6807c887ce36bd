package distribution

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Tick is one entry of a post-mortem's Distribution List as distributed
// since its approval: sent (SentAt, when every delivery of the entry was
// confirmed) or why not.
type Tick struct {
	Label string `json:"label"`
	// Deliveries are the entry's messages with their records.
	Deliveries []SentDelivery `json:"deliveries"`
	// SentAt is when the entry's last delivery was confirmed; nil until
	// all are.
	SentAt *time.Time `json:"sent_at"`
	// Note says why nothing is sent: not approved, no configuration, the
	// condition not met.
	Note string `json:"note,omitempty"`
}

// SentDelivery is one delivery and when it was confirmed.
type SentDelivery struct {
	Channel string     `json:"channel"`
	SentAt  *time.Time `json:"sent_at"`
}

// Record reads the ticks of post-mortems from the distribution records.
type Record struct {
	Store   hindsight.DistributionRecordService
	Entries []hindsight.DistributionEntry
}

// Ticks returns one tick per entry of pm's Distribution List, from the
// records of its current approval.
func (rec *Record) Ticks(ctx context.Context, pm *hindsight.Postmortem) ([]Tick, error) {
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
	ticks := []Tick{}
	for _, item := range List(pm) {
		t := Tick{Label: item.Label, Deliveries: []SentDelivery{}}
		for _, d := range deliveries {
			if d.Label == item.Label {
				t.Deliveries = append(t.Deliveries, SentDelivery{Channel: d.Channel, SentAt: sent[d.Key()]})
			}
		}
		t.SentAt, t.Note = rec.status(pm, item.Label, t.Deliveries)
		ticks = append(ticks, t)
	}
	return ticks, nil
}

// status is when an entry was sent in full, or why it is not.
func (rec *Record) status(pm *hindsight.Postmortem, label string, ds []SentDelivery) (*time.Time, string) {
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

func ticksWithNote(pm *hindsight.Postmortem, note string) []Tick {
	ticks := []Tick{}
	for _, item := range List(pm) {
		ticks = append(ticks, Tick{Label: item.Label, Deliveries: []SentDelivery{}, Note: note})
	}
	return ticks
}

// Markdown shows the ticks apart from the approved record, under the
// document: the record keeps its Distribution List as approved.
func Markdown(pm *hindsight.Postmortem, ticks []Tick) string {
	if !pm.Document.Closed() || len(ticks) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n---\n\n## Distribution since approval\n\n*Not part of the approved document: when each entry of its Distribution List was sent.*\n\n")
	for _, t := range ticks {
		mark, status := " ", t.Note
		if t.SentAt != nil {
			mark, status = "x", "sent "+t.SentAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		var via []string
		for _, d := range t.Deliveries {
			via = append(via, strings.TrimPrefix(d.Channel, "slack:"))
		}
		if len(via) > 0 {
			status += " (" + strings.Join(via, ", ") + ")"
		}
		fmt.Fprintf(&b, "- [%s] %s: %s\n", mark, postmortem.EscapeCell(t.Label), postmortem.EscapeCell(status))
	}
	return b.String()
}
