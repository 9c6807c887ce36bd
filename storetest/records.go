package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func newDocument(incidentID string) *hindsight.Document {
	return &hindsight.Document{IncidentID: incidentID, Status: hindsight.DocDraft, Author: "@alice", Generator: "hindsight",
		GeneratedAt: T0, NextReviewDate: hindsight.NextReviewDate(T0),
		Narrative: hindsight.Narrative{RootCause: "A connection pool was exhausted.", Whys: []hindsight.Why{{Question: "Why?", Answer: "Because."}}}}
}

func testDocuments(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	inc := MustCreateIncident(t, s, NewIncident(0, "Doc"))
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindDocument(ctx, inc.ID)
		wantCode(t, err, hindsight.ENOTFOUND)
		wantCode(t, s.CreateDocument(ctx, newDocument("INCIDENT-none")), hindsight.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		wantFields(t, s.CreateDocument(ctx, &hindsight.Document{Status: "LOST"}), "incident_id", "status")
	})
	doc := newDocument(inc.ID)
	ok(t, s.CreateDocument(as("alice"), doc))
	t.Run("ErrAlreadyExists", func(t *testing.T) {
		wantCode(t, s.CreateDocument(ctx, newDocument(inc.ID)), hindsight.ECONFLICT)
	})
	t.Run("UpdateFollowsVersion", func(t *testing.T) {
		doc.Narrative.Resolution = "Raised the pool size."
		ok(t, s.UpdateDocument(as("bob"), doc, 1))
		got, err := s.FindDocument(ctx, inc.ID)
		ok(t, err)
		if got.Version != 2 || got.UpdatedBy != "bob" || got.Narrative.Resolution != "Raised the pool size." {
			t.Fatalf("after update: %+v", got)
		}
	})
	t.Run("ErrStaleVersion", func(t *testing.T) {
		e := wantCode(t, s.UpdateDocument(as("carol"), newDocument(inc.ID), 1), hindsight.ECONFLICT)
		if !strings.Contains(e.Message, "bob") || !strings.Contains(e.Message, "narrative") {
			t.Fatalf("conflict message %q should name bob and narrative", e.Message)
		}
	})
	t.Run("ErrIllegalTransition", func(t *testing.T) {
		doc.Status = hindsight.DocApproved
		wantCode(t, s.UpdateDocument(ctx, doc, 2), hindsight.ECONFLICT)
	})
}

func testTimeline(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	inc := MustCreateIncident(t, s, NewIncident(0, "Timeline"))
	t.Run("ErrInvalid", func(t *testing.T) {
		wantFields(t, s.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: inc.ID, Type: "nope", Phase: "later"}),
			"event", "phase", "time", "type")
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, s.AddTimelineEvent(ctx, NewEvent("INCIDENT-none", T0, "x")), hindsight.ENOTFOUND)
		_, err := s.FindTimeline(ctx, "INCIDENT-none")
		wantCode(t, err, hindsight.ENOTFOUND)
		wantCode(t, s.DeleteTimelineEvent(ctx, 999999), hindsight.ENOTFOUND)
	})
	late := NewEvent(inc.ID, T0.Add(time.Hour), "late")
	early := NewEvent(inc.ID, T0.Add(time.Minute), "early")
	ok(t, s.AddTimelineEvent(as("alice"), late))
	ok(t, s.AddTimelineEvent(as("alice"), early))
	if late.ID == 0 || late.CreatedBy != "alice" {
		t.Fatalf("after add: %+v", late)
	}
	t.Run("OrderedByTime", func(t *testing.T) {
		got, err := s.FindTimeline(ctx, inc.ID)
		ok(t, err)
		if len(got) != 2 || got[0].Action != "early" || got[1].Action != "late" {
			t.Fatalf("timeline = %+v", got)
		}
	})
	t.Run("UpdateAndDelete", func(t *testing.T) {
		late.Action = "later"
		ok(t, s.UpdateTimelineEvent(ctx, late))
		ok(t, s.DeleteTimelineEvent(ctx, early.ID))
		got, err := s.FindTimeline(ctx, inc.ID)
		ok(t, err)
		if len(got) != 1 || got[0].Action != "later" {
			t.Fatalf("timeline = %+v", got)
		}
	})
}

func testActions(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	a1 := MustCreateIncident(t, s, NewIncident(0, "One"))
	a2 := MustCreateIncident(t, s, NewIncident(1, "Two"))
	t.Run("ErrInvalid", func(t *testing.T) {
		err := s.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: a1.ID, Horizon: "soon", Status: hindsight.ActionWontDo})
		wantFields(t, err, "horizon", "status_reason", "title")
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, s.CreateActionItem(ctx, NewAction("INCIDENT-none", "x", "y", T0)), hindsight.ENOTFOUND)
		_, err := s.FindActionItemByID(ctx, 424242)
		wantCode(t, err, hindsight.ENOTFOUND)
	})
	items := []*hindsight.ActionItem{
		NewAction(a1.ID, "Fix pool", "@alice", T0.AddDate(0, 0, 7)),
		NewAction(a1.ID, "Add alert", "@bob", T0.AddDate(0, 1, 0)),
		NewAction(a2.ID, "Runbook", "@alice", T0.AddDate(0, 3, 0)),
	}
	for _, a := range items {
		ok(t, s.CreateActionItem(ctx, a))
	}
	for _, tt := range []struct {
		name string
		f    hindsight.ActionFilter
		want int
	}{
		{"All", hindsight.ActionFilter{}, 3},
		{"Incident", hindsight.ActionFilter{IncidentID: a1.ID}, 2},
		{"Owner", hindsight.ActionFilter{Owner: "@alice"}, 2},
		{"OverdueAt", hindsight.ActionFilter{OverdueAt: T0.AddDate(0, 2, 0)}, 2},
		{"Status", hindsight.ActionFilter{Status: hindsight.ActionDone}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := s.FindActionItems(ctx, tt.f)
			ok(t, err)
			if n != tt.want || len(got) != tt.want {
				t.Fatalf("got %d (total %d), want %d", len(got), n, tt.want)
			}
		})
	}
	t.Run("UpdateAndStale", func(t *testing.T) {
		a := *items[0]
		a.Status = hindsight.ActionDone
		ok(t, s.UpdateActionItem(as("alice"), &a, 1))
		b := *items[0]
		b.Owner = "@carol"
		e := wantCode(t, s.UpdateActionItem(as("bob"), &b, 1), hindsight.ECONFLICT)
		if !strings.Contains(e.Message, "alice") || !strings.Contains(e.Message, "status") {
			t.Fatalf("conflict message %q should name alice and status", e.Message)
		}
		wantCode(t, s.DeleteActionItem(ctx, a.ID, 1), hindsight.ECONFLICT)
		ok(t, s.DeleteActionItem(ctx, a.ID, 2))
	})
}

func testSignOffs(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	inc := MustCreateIncident(t, s, NewIncident(0, "Sign"))
	wantFields(t, s.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: inc.ID, Role: "boss"}), "role")
	final := &hindsight.SignOff{IncidentID: inc.ID, Role: hindsight.RoleFinalApproval, Signer: "@vp"}
	ok(t, s.CreateSignOff(ctx, final))
	ok(t, s.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: inc.ID, Role: hindsight.RoleAuthor, Signer: "@a"}))
	wantCode(t, s.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: inc.ID, Role: hindsight.RoleAuthor}), hindsight.ECONFLICT)
	signed := T0.Add(48 * time.Hour)
	final.SignedAt = &signed
	ok(t, s.UpdateSignOff(as("vp"), final))
	got, err := s.FindSignOffs(ctx, inc.ID)
	ok(t, err)
	if len(got) != 2 || got[0].Role != hindsight.RoleAuthor || got[1].SignedAt == nil || !got[1].SignedAt.Equal(signed) {
		t.Fatalf("sign-offs = %+v", got)
	}
	wantCode(t, s.UpdateSignOff(ctx, &hindsight.SignOff{ID: 987654}), hindsight.ENOTFOUND)
}

func testRevisions(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	inc := NewIncident(0, "History")
	ok(t, s.CreateIncident(as("alice"), inc))
	inc.Title = "History, renamed"
	ok(t, s.UpdateIncident(as("bob"), inc, 1))
	ok(t, s.AddTimelineEvent(ctx, NewEvent(inc.ID, T0, "noted")))
	ok(t, s.CreateDocument(as("carol"), newDocument(inc.ID)))
	revs, n, err := s.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: inc.ID})
	ok(t, err)
	if n != 4 || len(revs) != 4 {
		t.Fatalf("got %d revisions (total %d), want 4", len(revs), n)
	}
	want := []struct{ entity, actor string }{
		{hindsight.EntityIncident, "alice"}, {hindsight.EntityIncident, "bob"},
		{hindsight.EntityTimeline, hindsight.SystemActor}, {hindsight.EntityDocument, "carol"},
	}
	for i, w := range want {
		if revs[i].Entity != w.entity || revs[i].Actor != w.actor || revs[i].At.IsZero() {
			t.Fatalf("revision %d = %+v, want %s by %s", i, revs[i], w.entity, w.actor)
		}
	}
	upd := revs[1]
	if strings.Join(upd.Fields, ",") != "title" || string(upd.Before) != `{"title":"History"}` ||
		string(upd.After) != `{"title":"History, renamed"}` || upd.Version != 2 {
		t.Fatalf("update revision = fields %v before %s after %s version %d", upd.Fields, upd.Before, upd.After, upd.Version)
	}
	if revs[0].Before != nil || revs[0].After == nil {
		t.Fatalf("creation revision before %s after %s", revs[0].Before, revs[0].After)
	}
	only, _, err := s.FindRevisions(ctx, hindsight.RevisionFilter{Entity: hindsight.EntityDocument, EntityID: inc.ID})
	ok(t, err)
	if len(only) != 1 {
		t.Fatalf("document revisions = %d, want 1", len(only))
	}
}

// testCreationRevisions: the creation revision of an incident, a document
// and a timeline event shows the entity as it was created, whatever
// happened to it after (renamed, edited, deleted, changed in the very
// transaction that created it): the store may keep the creation compact
// until the first change, and FindRevisions must give it whole either way.
func testCreationRevisions(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	inc := NewIncident(0, "Created ✓ «as is»")
	ok(t, s.CreateIncident(as("alice"), inc))
	doc := newDocument(inc.ID)
	ok(t, s.CreateDocument(as("carol"), doc))
	one := NewEvent(inc.ID, T0, "first, alone")
	ok(t, s.AddTimelineEvent(as("dave"), one))
	batch := []*hindsight.TimelineEvent{NewEvent(inc.ID, T0.Add(time.Minute), "second, in a batch"),
		NewEvent(inc.ID, T0.Add(2*time.Minute), "third, in a batch")}
	ok(t, s.WithTx(as("erin"), func(tx hindsight.Services) error { return tx.AddTimelineEvents(as("erin"), batch) }))
	created := map[string]any{ // entity/ID → the state it was created in
		hindsight.EntityIncident + "/" + inc.ID:                             jsonCopy(t, inc),
		hindsight.EntityDocument + "/" + inc.ID:                             jsonCopy(t, doc),
		hindsight.EntityTimeline + "/" + strconv.FormatInt(one.ID, 10):      jsonCopy(t, one),
		hindsight.EntityTimeline + "/" + strconv.FormatInt(batch[0].ID, 10): jsonCopy(t, batch[0]),
		hindsight.EntityTimeline + "/" + strconv.FormatInt(batch[1].ID, 10): jsonCopy(t, batch[1]),
	}
	check := func(when string, wantTotal int) {
		t.Helper()
		revs, n, err := s.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: inc.ID})
		ok(t, err)
		if n != wantTotal || len(revs) != wantTotal {
			t.Fatalf("%s: %d revisions (total %d), want %d", when, len(revs), n, wantTotal)
		}
		seen := 0
		for _, r := range revs {
			if r.Before != nil {
				continue
			}
			want, found := created[r.Entity+"/"+r.EntityID]
			if !found {
				t.Fatalf("%s: creation revision of %s %s, which the test did not create", when, r.Entity, r.EntityID)
			}
			seen++
			var got map[string]any
			if err := json.Unmarshal(r.After, &got); err != nil {
				t.Fatalf("%s: creation of %s %s: after %q: %v", when, r.Entity, r.EntityID, r.After, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: creation of %s %s shows\n%v\nwant the state created\n%v", when, r.Entity, r.EntityID, got, want)
			}
			var keys []string
			for k := range got {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if !slices.Equal(r.Fields, keys) {
				t.Fatalf("%s: creation of %s %s lists fields %v, want %v", when, r.Entity, r.EntityID, r.Fields, keys)
			}
		}
		if seen != len(created) {
			t.Fatalf("%s: %d creation revisions, want %d", when, seen, len(created))
		}
	}
	check("as created", 5)

	inc.Title = "Renamed"
	ok(t, s.UpdateIncident(as("bob"), inc, inc.Version))
	doc.Author = "@bob"
	doc.Narrative.RootCause = "Something else entirely."
	ok(t, s.UpdateDocument(as("bob"), doc, doc.Version))
	one.Action = "first, edited"
	ok(t, s.UpdateTimelineEvent(as("bob"), one))
	ok(t, s.DeleteTimelineEvent(as("bob"), batch[0].ID))
	check("after a change of each", 9)
	inc.Summary = "changed twice"
	ok(t, s.UpdateIncident(as("bob"), inc, inc.Version))
	check("after a second change", 10)

	// Created and changed in one transaction, the change inside a savepoint
	// rolled back, then again for good.
	late := NewIncident(1, "Created and renamed at once")
	ok(t, s.WithTx(as("alice"), func(tx hindsight.Services) error {
		if err := tx.CreateIncident(as("alice"), late); err != nil {
			return err
		}
		created[hindsight.EntityIncident+"/"+late.ID] = jsonCopy(t, late)
		if err := tx.Savepoint(ctx, func(tx hindsight.Services) error {
			renamed := *late
			renamed.Title = "rolled back"
			if err := tx.UpdateIncident(as("bob"), &renamed, late.Version); err != nil {
				return err
			}
			return errors.New("roll back")
		}); err == nil {
			return errors.New("the savepoint did not fail")
		}
		renamed := *late
		renamed.Title = "Renamed in the same transaction"
		return tx.UpdateIncident(as("bob"), &renamed, late.Version)
	}))
	revs, _, err := s.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: late.ID})
	ok(t, err)
	if len(revs) != 2 || revs[0].Before != nil || revs[1].Before == nil {
		t.Fatalf("revisions of %s: %+v, want a creation and an update", late.ID, revs)
	}
	var got map[string]any
	ok(t, json.Unmarshal(revs[0].After, &got))
	if !reflect.DeepEqual(got, created[hindsight.EntityIncident+"/"+late.ID]) {
		t.Fatalf("creation of %s shows %v, want %v", late.ID, got, created[hindsight.EntityIncident+"/"+late.ID])
	}
	if string(revs[1].Before) != `{"title":"Created and renamed at once"}` || string(revs[1].After) != `{"title":"Renamed in the same transaction"}` {
		t.Fatalf("update of %s: before %s after %s", late.ID, revs[1].Before, revs[1].After)
	}
}

// jsonCopy returns v's JSON object without the fields every write changes
// (version, updated_at, updated_by): what a creation revision shows.
func jsonCopy(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	ok(t, err)
	var m map[string]any
	ok(t, json.Unmarshal(b, &m))
	delete(m, "version")
	delete(m, "updated_at")
	delete(m, "updated_by")
	return m
}
