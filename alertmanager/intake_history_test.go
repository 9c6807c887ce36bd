package alertmanager_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// TestIntake_HistoryOfCreations: what the intake creates (the incident,
// its draft, a timeline event per alert) is recorded compact, and its
// history still shows each creation whole, before and after the incident
// changes: for Alertmanager's own payloads, resolved later, and for a
// hand-written alert with nothing but its alertname.
func TestIntake_HistoryOfCreations(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		ctx := context.Background()
		raw, msg := payload(t, "1-group-firing-3-alerts.json")
		group, err := f.intake.Ingest(ctx, raw, msg)
		if err != nil {
			t.Fatal(err)
		}
		bareRaw := []byte(`{"version":"4","status":"firing","receiver":"hindsight","groupKey":"{}:{alertname=\"Bare ✓\"}",
			"alerts":[{"status":"firing","labels":{"alertname":"Bare ✓"},"startsAt":"2026-11-27T05:58:00Z"}]}`)
		bareMsg, err := alertmanager.DecodeBytes(bareRaw)
		if err != nil {
			t.Fatal(err)
		}
		bare, err := f.intake.Ingest(ctx, bareRaw, bareMsg)
		if err != nil {
			t.Fatal(err)
		}
		created := func(id string) (map[string]string, map[string]map[string]any) {
			t.Helper()
			revs, _, err := f.store.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: id})
			if err != nil {
				t.Fatal(err)
			}
			incident, events := map[string]string{}, map[string]map[string]any{}
			for _, r := range revs {
				if r.Before != nil {
					continue
				}
				var after map[string]any
				if err := json.Unmarshal(r.After, &after); err != nil || len(r.Fields) == 0 {
					t.Fatalf("creation of %s %s: fields %v after %s (%v)", r.Entity, r.EntityID, r.Fields, r.After, err)
				}
				switch r.Entity {
				case hindsight.EntityIncident:
					incident["title"], incident["status"] = after["title"].(string), after["status"].(string)
				case hindsight.EntityTimeline:
					events[r.EntityID] = after
				}
			}
			return incident, events
		}
		for _, id := range []string{group.IncidentID, bare.IncidentID} {
			inc, err := f.store.FindIncidentByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			timeline, err := f.store.FindTimeline(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			incident, events := created(id)
			if incident["title"] != inc.Title || incident["status"] != string(inc.Status) {
				t.Errorf("%s: creation shows %v, want title %q status %s", id, incident, inc.Title, inc.Status)
			}
			if len(events) != len(timeline) {
				t.Fatalf("%s: %d event creations for %d events", id, len(events), len(timeline))
			}
			for _, e := range timeline {
				if got := events[strconv.FormatInt(e.ID, 10)]; got["action"] != e.Action || got["event"] != e.Event {
					t.Errorf("%s: creation of event %d shows %v, want %q / %q", id, e.ID, got, e.Event, e.Action)
				}
			}
		}

		// The group resolves: the incident changes, its creation does not.
		before, _ := created(group.IncidentID)
		f.clock.Advance(30 * time.Minute)
		for _, name := range []string{"3-group-one-alert-resolved.json", "4-group-all-resolved.json"} {
			raw, msg = payload(t, name)
			if _, err := f.intake.Ingest(ctx, raw, msg); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		inc, err := f.store.FindIncidentByID(ctx, group.IncidentID)
		if err != nil || inc.Status != hindsight.IncidentResolved {
			t.Fatalf("incident after the resolution: %+v %v", inc, err)
		}
		if after, _ := created(group.IncidentID); after["status"] != before["status"] || after["status"] == string(inc.Status) {
			t.Errorf("creation of the resolved incident shows status %q, want %q, the status it was created with", after["status"], before["status"])
		}
	})
}
