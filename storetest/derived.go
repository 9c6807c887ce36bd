package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// testDerivedCreations: the creation of a timeline event, which the store
// derives from the event's row until the event first changes, is listed
// with its creator and time, after the other changes of its transaction,
// in the order of the events; it keeps its place, creator and time once
// the event's first change or its deletion stores it; paging and the
// entity filters count it like any revision.
func testDerivedCreations(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	inc := NewIncident(0, "Derived creations")
	ok(t, s.CreateIncident(as("alice"), inc))
	events := []*hindsight.TimelineEvent{NewEvent(inc.ID, T0, "one"), NewEvent(inc.ID, T0, "two"), NewEvent(inc.ID, T0, "three")}
	ok(t, s.WithTx(as("erin"), func(tx hindsight.Services) error {
		if err := tx.AddTimelineEvents(as("erin"), events); err != nil {
			return err
		}
		renamed := *inc
		renamed.Title = "Renamed with the events"
		return tx.UpdateIncident(as("erin"), &renamed, inc.Version)
	}))
	late := NewEvent(inc.ID, T0, "four, alone")
	ok(t, s.AddTimelineEvent(as("dave"), late))
	events = append(events, late)

	// what lists each revision: entity, entity ID, actor, whether a creation
	type step struct{ entity, id, actor, kind string }
	ev := func(e *hindsight.TimelineEvent, actor, kind string) step {
		return step{hindsight.EntityTimeline, strconv.FormatInt(e.ID, 10), actor, kind}
	}
	list := func(when string, want []step) []*hindsight.Revision {
		t.Helper()
		revs, n, err := s.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: inc.ID})
		ok(t, err)
		var got []step
		for _, r := range revs {
			kind := "change"
			switch {
			case r.Before == nil:
				kind = "created"
			case r.After == nil:
				kind = "deleted"
			}
			got = append(got, step{r.Entity, r.EntityID, r.Actor, kind})
		}
		if n != len(want) || !slices.Equal(got, want) {
			t.Fatalf("%s: history (total %d)\n%v\nwant\n%v", when, n, got, want)
		}
		for limit := 1; limit <= 3; limit++ { // every page, at every size, adds up to the whole
			var paged []*hindsight.Revision
			for offset := 0; offset < len(want)+limit; offset += limit {
				page, total, err := s.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: inc.ID, Page: hindsight.Page{Offset: offset, Limit: limit}})
				ok(t, err)
				if total != len(want) {
					t.Fatalf("%s: page at %d of %d counts %d revisions, want %d", when, offset, limit, total, len(want))
				}
				paged = append(paged, page...)
			}
			if len(paged) != len(revs) {
				t.Fatalf("%s: pages of %d hold %d revisions, want %d", when, limit, len(paged), len(revs))
			}
			for i := range paged {
				if paged[i].ID != revs[i].ID || string(paged[i].After) != string(revs[i].After) {
					t.Fatalf("%s: pages of %d: revision %d is %+v, want %+v", when, limit, i, paged[i], revs[i])
				}
			}
		}
		return revs
	}
	incCreated := step{hindsight.EntityIncident, inc.ID, "alice", "created"}
	renamed := step{hindsight.EntityIncident, inc.ID, "erin", "change"}
	want := []step{incCreated, renamed, ev(events[0], "erin", "created"), ev(events[1], "erin", "created"),
		ev(events[2], "erin", "created"), ev(late, "dave", "created")}
	revs := list("as created", want)
	for i, e := range events {
		r := revs[2+i]
		if r.ID != -e.ID || !r.At.Equal(e.CreatedAt) || r.Version != 0 || len(r.Fields) == 0 {
			t.Errorf("creation of event %d: ID %d at %s version %d fields %v; want ID %d at %s, version 0, its fields",
				e.ID, r.ID, r.At, r.Version, r.Fields, -e.ID, e.CreatedAt)
		}
	}

	events[1].Action = "two, edited"
	ok(t, s.UpdateTimelineEvent(as("bob"), events[1]))
	ok(t, s.DeleteTimelineEvent(as("bob"), events[2].ID))
	want = append(want, ev(events[1], "bob", "change"), ev(events[2], "bob", "deleted"))
	revs = list("after an edit and a deletion", want)
	for _, i := range []int{1, 2} {
		r, e := revs[2+i], events[i]
		if r.ID <= 0 || !r.At.Equal(e.CreatedAt) || !slices.Contains(r.Fields, "action") {
			t.Errorf("stored creation of event %d: ID %d at %s fields %v; want an ID of its own, at %s", e.ID, r.ID, r.At, r.Fields, e.CreatedAt)
		}
	}
	if string(revs[3].After) == "" || !jsonHas(t, revs[3].After, "action", "two") {
		t.Errorf("the stored creation of the edited event shows %s, want its action as created, %q", revs[3].After, "two")
	}

	// Created and changed in one transaction: the change follows.
	once := NewEvent(inc.ID, T0, "five")
	ok(t, s.WithTx(as("frank"), func(tx hindsight.Services) error {
		if err := tx.AddTimelineEvent(as("frank"), once); err != nil {
			return err
		}
		edited := *once
		edited.Action = "five, edited at once"
		return tx.UpdateTimelineEvent(as("frank"), &edited)
	}))
	want = append(want, ev(once, "frank", "created"), ev(once, "frank", "change"))
	list("after an event created and changed at once", want)

	for _, c := range []struct {
		f    hindsight.RevisionFilter
		want int
	}{
		{hindsight.RevisionFilter{Entity: hindsight.EntityTimeline, EntityID: strconv.FormatInt(late.ID, 10)}, 1},
		{hindsight.RevisionFilter{IncidentID: inc.ID, Entity: hindsight.EntityTimeline}, 8},
		{hindsight.RevisionFilter{Entity: hindsight.EntityTimeline, EntityID: strconv.FormatInt(events[1].ID, 10)}, 2},
		{hindsight.RevisionFilter{IncidentID: inc.ID, Entity: hindsight.EntityIncident}, 2},
		{hindsight.RevisionFilter{Entity: hindsight.EntityTimeline, EntityID: "0" + strconv.FormatInt(late.ID, 10)}, 0},
		{hindsight.RevisionFilter{Entity: hindsight.EntityTimeline, EntityID: "four"}, 0},
		{hindsight.RevisionFilter{IncidentID: "INCIDENT-none", Entity: hindsight.EntityTimeline}, 0},
	} {
		revs, n, err := s.FindRevisions(ctx, c.f)
		ok(t, err)
		if n != c.want || len(revs) != c.want {
			t.Errorf("FindRevisions(%+v): %d revisions, total %d; want %d", c.f, len(revs), n, c.want)
		}
	}
}

// jsonHas reports whether the JSON object doc has key with the string value.
func jsonHas(t *testing.T, doc []byte, key, value string) bool {
	t.Helper()
	var m map[string]any
	ok(t, json.Unmarshal(doc, &m))
	return fmt.Sprint(m[key]) == value
}
