package alertmanager_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// closeRecord moves the incident's post-mortem to status to (APPROVED or
// ARCHIVED) through the store's legal path.
func (f *intakeFixture) closeRecord(t *testing.T, id string, to hindsight.DocumentStatus) {
	t.Helper()
	ctx := context.Background()
	for _, st := range []hindsight.DocumentStatus{hindsight.DocUnderReview, hindsight.DocApproved, hindsight.DocArchived} {
		doc, err := f.store.FindDocument(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		doc.Status = st
		if err := f.store.UpdateDocument(ctx, doc, doc.Version); err != nil {
			t.Fatal(err)
		}
		if st == to {
			return
		}
	}
}

// recordState is everything alerts could change about an incident.
func (f *intakeFixture) recordState(t *testing.T, id string) string {
	t.Helper()
	ctx := context.Background()
	pm, err := f.store.FindPostmortem(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	states, err := f.store.FindAlertStates(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"pm": pm, "alerts": states})
	return string(b)
}

// resolvedAlerts returns the sequence's first notification with every
// alert resolved at end.
func resolvedAlerts(t *testing.T, start, end time.Time) *alertmanager.Message {
	msg := shifted(t, start)
	msg.Status = "resolved"
	for i := range msg.Alerts {
		msg.Alerts[i].Status, msg.Alerts[i].EndsAt = "resolved", end
	}
	return msg
}

// TestIntake_ClosedRecord sends hostile sequences to a group whose
// incident's post-mortem is APPROVED or ARCHIVED, resolved or still open:
// the incident never changes; only an alert that newly fires opens a new
// incident, a recurrence of it, which takes every later notification.
func TestIntake_ClosedRecord(t *testing.T) {
	t.Parallel()
	for _, status := range []hindsight.DocumentStatus{hindsight.DocApproved, hindsight.DocArchived} {
		for _, resolved := range []bool{true, false} {
			name := string(status)[:4]
			if resolved {
				name += "Resolved"
			} else {
				name += "Open"
			}
			t.Run(name, func(t *testing.T) {
				forEachEngine(t, func(t *testing.T, f *intakeFixture) {
					testClosedRecord(t, f, status, resolved)
				})
			})
		}
	}
}

func testClosedRecord(t *testing.T, f *intakeFixture, status hindsight.DocumentStatus, resolved bool) {
	var closed *hindsight.Incident
	if resolved {
		closed = f.resolveSequence(t)
	} else {
		f.ingest(t, sequence[0])
		closed = f.only(t)
	}
	f.closeRecord(t, closed.ID, status)
	before := f.recordState(t, closed.ID)
	f.clock.Set(at("2026-11-27T06:20:05Z"))

	// Nothing new: repeats, late and stale notifications, resolutions.
	_, first := payload(t, sequence[0])
	for name, msg := range map[string]*alertmanager.Message{
		"stale firing":         shifted(t, first.Alerts[0].StartsAt),
		"resolution":           resolvedAlerts(t, first.Alerts[0].StartsAt, at("2026-11-27T06:10:00Z")),
		"resolution before it": resolvedAlerts(t, first.Alerts[0].StartsAt, first.Alerts[0].StartsAt.Add(time.Second)),
	} {
		res := f.ingestMessage(t, nil, msg)
		if res.Reopened || res.Opened || res.Resolved || res.Events != 0 {
			t.Fatalf("%s: result %+v, want nothing done", name, res)
		}
	}
	for _, name := range sequence[1:] {
		if res := f.ingest(t, name); res.Reopened || res.Opened || res.Events != 0 {
			t.Fatalf("%s: result %+v, want nothing done", name, res)
		}
	}
	if got := f.recordState(t, closed.ID); got != before {
		t.Fatalf("the %s incident changed:\nbefore %s\nafter  %s", status, before, got)
	}
	if len(f.incidents(t)) != 1 {
		t.Fatalf("incidents %v, want only the record", ids(f.incidents(t)))
	}

	// An alert the record never saw, claiming to have started before
	// it, opens one recurrence (no earlier than the record); that then
	// takes the group's notifications.
	hostile := shifted(t, closed.StartedAt.Add(-time.Hour))
	hostile.Alerts = hostile.Alerts[:1]
	hostile.Alerts[0].Fingerprint = "0000feedfacecafe"
	hostile.Alerts[0].Labels = map[string]string{"alertname": "HighAPIErrorRate", "instance": "new-host:8080"}
	res := f.ingestMessage(t, nil, hostile)
	if !res.Opened || res.Reopened || res.RecurrenceOf != closed.ID || res.IncidentID == closed.ID {
		t.Fatalf("result %+v, want a recurrence of %s", res, closed.ID)
	}
	again := f.ingestMessage(t, nil, shifted(t, at("2026-11-27T06:21:00Z")))
	if again.IncidentID != res.IncidentID || again.Opened {
		t.Fatalf("the next notification went to %+v, want the recurrence %s", again, res.IncidentID)
	}
	rec, err := f.store.FindIncidentByID(context.Background(), res.IncidentID)
	if err != nil || rec.RecurrenceOf != closed.ID || rec.StartedAt.Before(closed.StartedAt) {
		t.Fatalf("recurrence %+v %v", rec, err)
	}
	if got := f.recordState(t, closed.ID); got != before {
		t.Fatalf("the %s incident changed after the recurrence:\nbefore %s\nafter  %s", status, before, got)
	}
}

// TestIntake_RecurrenceAfterWindow: a group that fires again long after
// its incident resolved (past the reopen window) opens a new incident,
// linked as a recurrence when the earlier post-mortem is an approved
// record however long the group was quiet, and unlinked when it is not.
func TestIntake_RecurrenceAfterWindow(t *testing.T) {
	t.Parallel()
	for _, approved := range []bool{true, false} {
		name := "Draft"
		if approved {
			name = "Approved"
		}
		t.Run(name, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, f *intakeFixture) {
				earlier := f.resolveSequence(t)
				if approved {
					f.closeRecord(t, earlier.ID, hindsight.DocApproved)
				}
				before := f.recordState(t, earlier.ID)
				f.clock.Set(earlier.ResolvedAt.Add(3 * time.Hour))
				res := f.ingestMessage(t, nil, shifted(t, f.clock.Now().Add(-time.Minute)))
				want := ""
				if approved {
					want = earlier.ID
				}
				if !res.Opened || res.Reopened || res.IncidentID == earlier.ID || res.RecurrenceOf != want {
					t.Fatalf("result %+v, want a new incident with recurrence_of %q", res, want)
				}
				inc, err := f.store.FindIncidentByID(context.Background(), res.IncidentID)
				if err != nil || inc.RecurrenceOf != want {
					t.Fatalf("new incident %+v %v, want recurrence_of %q", inc, err, want)
				}
				if got := f.recordState(t, earlier.ID); got != before {
					t.Fatalf("the earlier incident changed:\nbefore %s\nafter  %s", before, got)
				}
			})
		})
	}
}
