package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestService_Actions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		id := "INCIDENT-20250131-1000-actions"
		f.mustIncident(t, id, func(inc *hindsight.Incident) { inc.StartedAt = time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC) })
		f.clock.Set(time.Date(2025, 3, 5, 9, 0, 0, 0, time.UTC))

		t.Run("DefaultDueDates", func(t *testing.T) {
			for _, tt := range []struct {
				horizon hindsight.Horizon
				due     time.Time
			}{{"", date(2025, 2, 7)}, {hindsight.HorizonMedium, date(2025, 2, 28)}, {hindsight.HorizonLong, date(2025, 4, 30)}} {
				a := &hindsight.ActionItem{Title: "Fix " + string(tt.horizon), Owner: "@ana", Horizon: tt.horizon, Verification: "test"}
				ok(t, f.svc.CreateAction(editor, id, a))
				if !a.DueDate.Equal(tt.due) || a.Status != hindsight.ActionOpen || a.Version != 1 {
					t.Fatalf("%q: due %s status %s, want %s open", tt.horizon, a.DueDate, a.Status, tt.due)
				}
			}
		})
		t.Run("ErrWontDoNeedsReason", func(t *testing.T) {
			a := &hindsight.ActionItem{Title: "Skip", Status: hindsight.ActionWontDo}
			wantCode(t, f.svc.CreateAction(editor, id, a), hindsight.EINVALID, "status_reason")
		})
		t.Run("ErrTrackerURL", func(t *testing.T) {
			a := &hindsight.ActionItem{Title: "Track", TrackerURL: "javascript:alert(1)"}
			wantCode(t, f.svc.CreateAction(editor, id, a), hindsight.EINVALID, "tracker_url")
		})
		t.Run("StatusChanges", func(t *testing.T) {
			a := &hindsight.ActionItem{Title: "Add alert", Owner: "@bo", DueDate: date(2025, 2, 20), TrackerURL: "https://jira.example.com/browse/OPS-1"}
			ok(t, f.svc.CreateAction(editor, id, a))
			done := hindsight.ActionDone
			got, err := f.svc.UpdateAction(editor, a.ID, hindsight.ActionPatch{Status: &done}, a.Version)
			ok(t, err)
			if got.CompletedAt == nil || !got.CompletedAt.Equal(f.clock.Now()) || got.Version != 2 {
				t.Fatalf("done item %+v", got)
			}
			_, err = f.svc.UpdateAction(editor, a.ID, hindsight.ActionPatch{Status: &done}, 1)
			wantCode(t, err, hindsight.ECONFLICT, "eddie changed completed_at, status")
			wont := hindsight.ActionWontDo
			_, err = f.svc.UpdateAction(editor, a.ID, hindsight.ActionPatch{Status: &wont}, got.Version)
			wantCode(t, err, hindsight.EINVALID, "status_reason")
			reason := "superseded by OPS-2"
			got, err = f.svc.UpdateAction(editor, a.ID, hindsight.ActionPatch{Status: &wont, StatusReason: &reason}, got.Version)
			ok(t, err)
			if got.CompletedAt != nil || got.StatusReason != reason {
				t.Fatalf("wont_do item %+v", got)
			}
			progress := hindsight.ActionInProgress
			got, err = f.svc.UpdateAction(editor, a.ID, hindsight.ActionPatch{Status: &progress}, got.Version)
			ok(t, err)
			if got.StatusReason != "" {
				t.Fatalf("reason kept after leaving wont_do: %+v", got)
			}
		})
		t.Run("OverdueFirst", func(t *testing.T) {
			other := "INCIDENT-20250201-0000-other"
			f.mustIncident(t, other, func(inc *hindsight.Incident) { inc.StartedAt = date(2025, 2, 1) })
			early := &hindsight.ActionItem{Title: "Old and done", Owner: "@ana", DueDate: date(2025, 1, 1), Status: hindsight.ActionDone}
			ok(t, f.svc.CreateAction(editor, other, early))

			items, total, err := f.svc.ListActions(ctx, hindsight.ActionQuery{})
			ok(t, err)
			var titles []string
			for _, a := range items {
				titles = append(titles, a.Title)
			}
			// Overdue on 2025-03-05: the three open items due 02-07, 02-20 and
			// 02-28; then the done item due 01-01 and the one due 04-30.
			want := []string{"Fix ", "Add alert", "Fix medium", "Old and done", "Fix long"}
			if total != 5 || len(titles) != 5 {
				t.Fatalf("total %d, items %v", total, titles)
			}
			for i := range want {
				if titles[i] != want[i] {
					t.Fatalf("order %q, want %q", titles, want)
				}
			}
			overdue, n, err := f.svc.ListActions(ctx, hindsight.ActionQuery{Overdue: true})
			ok(t, err)
			if n != 3 || overdue[0].Title != "Fix " || overdue[2].Title != "Fix medium" {
				t.Fatalf("overdue %d: %v", n, overdue)
			}
			mine, n, err := f.svc.ListActions(ctx, hindsight.ActionQuery{Owner: "@ana", Page: hindsight.Page{Offset: 1, Limit: 1}})
			ok(t, err)
			if n != 4 || len(mine) != 1 || mine[0].Title != "Fix medium" {
				t.Fatalf("owner page: %d %v", n, mine)
			}
		})
		t.Run("ErrArchived", func(t *testing.T) {
			arch := "INCIDENT-20250930-0024-arch"
			f.mustDocumentAt(t, arch, hindsight.DocArchived)
			wantCode(t, f.svc.CreateAction(editor, arch, &hindsight.ActionItem{Title: "x"}), hindsight.ECONFLICT, "ARCHIVED and read-only")
			err := f.svc.AddTimelineEvent(editor, &hindsight.TimelineEvent{IncidentID: arch, Time: incidentStart, Type: hindsight.EventNote, Event: "Note"})
			wantCode(t, err, hindsight.ECONFLICT, "ARCHIVED and read-only")
			_, err = f.svc.UpdateNarrative(editor, arch, cleanNarrative(), 99)
			wantCode(t, err, hindsight.ECONFLICT, "")
			doc, _ := f.store.FindDocument(ctx, arch)
			_, err = f.svc.UpdateNarrative(editor, arch, cleanNarrative(), doc.Version)
			wantCode(t, err, hindsight.ECONFLICT, "ARCHIVED and read-only")
			_, err = f.svc.SignOff(director, arch, hindsight.RoleFinalApproval)
			wantCode(t, err, hindsight.ECONFLICT, "ARCHIVED and read-only")
		})
	})
}
