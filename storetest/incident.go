package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func testIncidents(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	t.Run("CreateAndGet", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "HighAPIErrorRate"))
		if inc.Version != 1 || inc.CreatedAt.IsZero() || !inc.CreatedAt.Equal(inc.UpdatedAt) {
			t.Fatalf("after create: version %d, created %v, updated %v", inc.Version, inc.CreatedAt, inc.UpdatedAt)
		}
		got, err := s.FindIncidentByID(ctx, inc.ID)
		ok(t, err)
		if !reflect.DeepEqual(jsonOf(t, got), jsonOf(t, inc)) {
			t.Fatalf("got\n%s\nwant\n%s", jsonOf(t, got), jsonOf(t, inc))
		}
	})
	t.Run("ErrTitleRequired", func(t *testing.T) {
		s := open(t)
		inc := NewIncident(0, "x")
		inc.Title = " "
		wantFields(t, s.CreateIncident(ctx, inc), "title")
	})
	t.Run("ErrEveryBadFieldListed", func(t *testing.T) {
		s := open(t)
		err := s.CreateIncident(ctx, &hindsight.Incident{Severity: "SEV9", Status: "PANIC"})
		wantFields(t, err, "id", "severity", "started_at", "status", "title")
	})
	t.Run("ErrDuplicateID", func(t *testing.T) {
		s := open(t)
		MustCreateIncident(t, s, NewIncident(0, "Dup"))
		wantCode(t, s.CreateIncident(ctx, NewIncident(0, "Dup")), hindsight.ECONFLICT)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		inc, err := s.FindIncidentByID(ctx, "INCIDENT-nope")
		wantCode(t, err, hindsight.ENOTFOUND)
		if inc != nil {
			t.Fatal("want nil incident with ENOTFOUND")
		}
		_, err = s.FindPostmortem(ctx, "INCIDENT-nope")
		wantCode(t, err, hindsight.ENOTFOUND)
		wantCode(t, s.UpdateIncident(ctx, NewIncident(0, "nope"), 1), hindsight.ENOTFOUND)
	})
	t.Run("Update", func(t *testing.T) { testIncidentUpdate(t, open) })
	t.Run("ListFilterPaginate", func(t *testing.T) { testIncidentList(t, open) })
	t.Run("ListColumns", func(t *testing.T) { testIncidentListColumns(t, open) })
	t.Run("Postmortem", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Full"))
		ok(t, s.AddTimelineEvent(ctx, NewEvent(inc.ID, inc.StartedAt.Add(time.Minute), "paged")))
		ok(t, s.CreateActionItem(ctx, NewAction(inc.ID, "Add alert", "@sre", inc.StartedAt.AddDate(0, 0, 7))))
		ok(t, s.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: inc.ID, Role: hindsight.RoleAuthor, Signer: "@a"}))
		pm, err := s.FindPostmortem(ctx, inc.ID)
		ok(t, err)
		if pm.Incident.ID != inc.ID || len(pm.Timeline) != 1 || len(pm.Actions) != 1 || len(pm.SignOffs) != 1 || pm.Document.Version != 0 {
			t.Fatalf("postmortem = %+v", pm)
		}
	})
}

func testIncidentUpdate(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Upd"))
		inc.Title, inc.Services = "Renamed", []string{"db"}
		ok(t, s.UpdateIncident(as("alice"), inc, 1))
		got, err := s.FindIncidentByID(ctx, inc.ID)
		ok(t, err)
		if got.Version != 2 || got.Title != "Renamed" || !reflect.DeepEqual(got.Services, []string{"db"}) {
			t.Fatalf("after update: %+v", got)
		}
	})
	t.Run("ErrStaleVersionNamesWhoChangedWhat", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Stale"))
		mine, theirs := *inc, *inc
		theirs.Severity = hindsight.SEV1
		ok(t, s.UpdateIncident(as("alice"), &theirs, 1))
		mine.Title = "Mine"
		e := wantCode(t, s.UpdateIncident(as("bob"), &mine, 1), hindsight.ECONFLICT)
		if !strings.Contains(e.Message, "alice") || !strings.Contains(e.Message, "severity") {
			t.Fatalf("conflict message %q should name alice and severity", e.Message)
		}
		got, _ := s.FindIncidentByID(ctx, inc.ID)
		if got.Title != "Stale" || got.Severity != hindsight.SEV1 {
			t.Fatalf("stale update was applied: %+v", got)
		}
	})
	t.Run("ErrIllegalTransition", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Trans"))
		inc.Status = hindsight.IncidentInvestigating
		inc.Title = "same status is fine"
		ok(t, s.UpdateIncident(ctx, inc, 1))
		resolved := inc.StartedAt.Add(time.Hour)
		inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &resolved
		ok(t, s.UpdateIncident(ctx, inc, 2))
		inc.Status = hindsight.IncidentMitigated
		inc.ResolvedAt = nil
		wantCode(t, s.UpdateIncident(ctx, inc, 3), hindsight.ECONFLICT)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Inv"))
		inc.Severity = "bad"
		wantFields(t, s.UpdateIncident(ctx, inc, 1), "severity")
	})
}

func testIncidentList(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	for i := 0; i < 30; i++ {
		inc := NewIncident(i, "Alert"+string(rune('A'+i%26))+strings.Repeat("x", i/26), []string{"api", "db", "cache"}[i%3])
		if i%2 == 0 {
			inc.Severity = hindsight.SEV3
		}
		if i%5 == 0 {
			at := inc.StartedAt.Add(time.Hour)
			inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &at
		}
		MustCreateIncident(t, s, inc)
	}
	for _, tt := range []struct {
		name  string
		f     hindsight.IncidentFilter
		total int
		page  int
	}{
		{"All", hindsight.IncidentFilter{}, 30, 30},
		{"Page", hindsight.IncidentFilter{Page: hindsight.Page{Offset: 25, Limit: 10}}, 30, 5},
		{"Status", hindsight.IncidentFilter{Status: hindsight.IncidentResolved}, 6, 6},
		{"Severity", hindsight.IncidentFilter{Severity: hindsight.SEV3}, 15, 15},
		{"Service", hindsight.IncidentFilter{Service: "db"}, 10, 10},
		{"TimeRange", hindsight.IncidentFilter{StartedFrom: T0.Add(10 * time.Hour), StartedTo: T0.Add(20 * time.Hour)}, 10, 10},
		{"Combined", hindsight.IncidentFilter{Service: "api", Severity: hindsight.SEV3, Page: hindsight.Page{Limit: 2}}, 5, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := s.FindIncidents(ctx, tt.f)
			ok(t, err)
			if n != tt.total || len(got) != tt.page {
				t.Fatalf("total %d, page %d; want %d, %d", n, len(got), tt.total, tt.page)
			}
			for i := 1; i < len(got); i++ {
				if got[i].StartedAt.After(got[i-1].StartedAt) {
					t.Fatal("not ordered newest first")
				}
			}
		})
	}
	t.Run("ErrBadFilter", func(t *testing.T) {
		_, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Status: "nope", Severity: "SEV0"})
		wantFields(t, err, "severity", "status")
	})
}

func jsonOf(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	ok(tb, err)
	return string(b)
}
