package sqlstore_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// TestCompactCreations_ChangedWhileRead: on PostgreSQL each statement of a
// read transaction sees its own snapshot, so a history read can find a
// creation still compact, and then, after the entity's first change
// committed, the changed row. FindRevisions then takes the creation from
// the table, where that change wrote it. The test reads the compact
// creations, changes the incident, and fills what it read.
func TestCompactCreations_ChangedWhileRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := teststore.Postgres(t)
	inc := storetest.NewIncident(1, "Read while renamed")
	if err := s.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	event := storetest.NewEvent(inc.ID, storetest.T0, "read while edited")
	if err := s.AddTimelineEvent(ctx, event); err != nil {
		t.Fatal(err)
	}
	stale, err := sqlstore.CompactCreations(ctx, s, inc.ID)
	if err != nil || len(stale) != 2 || stale[0].Entity != hindsight.EntityIncident || stale[1].ID != -event.ID {
		t.Fatalf("compact creations %+v (%v), want the incident's and the derived one of event %d", stale, err, event.ID)
	}
	inc.Title = "Renamed meanwhile"
	if err := s.UpdateIncident(ctx, inc, inc.Version); err != nil {
		t.Fatal(err)
	}
	event.Action = "edited meanwhile"
	if err := s.UpdateTimelineEvent(ctx, event); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.FillCreations(ctx, s, stale); err != nil {
		t.Fatal(err)
	}
	var got struct{ Title, Action string }
	if err := json.Unmarshal(stale[0].After, &got); err != nil || got.Title != "Read while renamed" {
		t.Fatalf("creation read while the incident was renamed shows %s (%v), want the title it was created with", stale[0].After, err)
	}
	if err := json.Unmarshal(stale[1].After, &got); err != nil || got.Action != "read while edited" {
		t.Fatalf("creation read while the event was edited shows %s (%v), want the action it was created with", stale[1].After, err)
	}
}

// TestDerivedCreations_StoredBefore: a timeline event whose creation an
// earlier version stored (compact, or whole) lists that one creation, not
// a derived one besides, before and after its first change.
func TestDerivedCreations_StoredBefore(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		inc := storetest.MustCreateIncident(t, s, storetest.NewIncident(1, "Stored before"))
		compact := storetest.NewEvent(inc.ID, storetest.T0, "compact")
		whole := storetest.NewEvent(inc.ID, storetest.T0, "whole")
		for _, e := range []*hindsight.TimelineEvent{compact, whole} {
			if err := s.AddTimelineEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		insert := `INSERT INTO revisions (incident_id, entity, entity_id, version, actor, at, fields, before_json, after_json)
			VALUES (?, 'timeline_event', ?, 0, 'older', 0, ?, NULL, ?)`
		if err := sqlstore.ExecInTx(ctx, s, insert, inc.ID, strconv.FormatInt(compact.ID, 10), "[]", nil); err != nil {
			t.Fatal(err)
		}
		if err := sqlstore.ExecInTx(ctx, s, insert, inc.ID, strconv.FormatInt(whole.ID, 10), `["action"]`, `{"action":"whole"}`); err != nil {
			t.Fatal(err)
		}
		check := func(when string, want int) {
			t.Helper()
			revs, n, err := s.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: inc.ID, Entity: hindsight.EntityTimeline})
			if err != nil {
				t.Fatal(err)
			}
			creations := map[string]int{}
			for _, r := range revs {
				if r.Before == nil {
					creations[r.EntityID]++
					if r.Actor != "older" || r.ID < 0 || r.After == nil {
						t.Errorf("%s: creation of %s by %q, ID %d, after %s: want the one stored, whole", when, r.EntityID, r.Actor, r.ID, r.After)
					}
				}
			}
			if n != want || len(creations) != 2 || creations[strconv.FormatInt(compact.ID, 10)] != 1 || creations[strconv.FormatInt(whole.ID, 10)] != 1 {
				t.Fatalf("%s: %d revisions, creations by event %v; want %d, one creation of each", when, n, creations, want)
			}
		}
		check("as stored", 2)
		for _, e := range []*hindsight.TimelineEvent{compact, whole} {
			e.Action += ", edited"
			if err := s.UpdateTimelineEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		check("after a change of each", 4)
	})
}
