package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// testIncidentListColumns checks what the incident list filters and shows
// besides the incident itself: post-mortem status, services whatever their
// case, the known services.
func testIncidentListColumns(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	draft := MustCreateIncident(t, s, NewIncident(0, "Drafted", "API"))
	review := MustCreateIncident(t, s, NewIncident(1, "Reviewed", "api", "Database"))
	none := MustCreateIncident(t, s, NewIncident(2, "Undocumented", "cache"))
	ok(t, s.CreateDocument(ctx, newDocument(draft.ID)))
	doc := newDocument(review.ID)
	ok(t, s.CreateDocument(ctx, doc))
	doc.Status = hindsight.DocUnderReview
	ok(t, s.UpdateDocument(ctx, doc, 1))
	for _, tt := range []struct {
		name string
		f    hindsight.IncidentFilter
		want []string
	}{
		{"ServiceAnyCase", hindsight.IncidentFilter{Service: "aPi"}, []string{review.ID, draft.ID}},
		{"ServiceMixedCase", hindsight.IncidentFilter{Service: "DATABASE"}, []string{review.ID}},
		{"Draft", hindsight.IncidentFilter{PostmortemStatus: hindsight.DocDraft}, []string{draft.ID}},
		{"UnderReview", hindsight.IncidentFilter{PostmortemStatus: hindsight.DocUnderReview}, []string{review.ID}},
		{"None", hindsight.IncidentFilter{PostmortemStatus: hindsight.PostmortemNone}, []string{none.ID}},
		{"ServiceAndStatus", hindsight.IncidentFilter{Service: "API", PostmortemStatus: hindsight.DocDraft}, []string{draft.ID}},
		{"ServiceAndNone", hindsight.IncidentFilter{Service: "api", PostmortemStatus: hindsight.PostmortemNone}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := s.FindIncidents(ctx, tt.f)
			ok(t, err)
			var ids []string
			for _, inc := range got {
				ids = append(ids, inc.ID)
			}
			if n != len(tt.want) || !reflect.DeepEqual(ids, tt.want) {
				t.Fatalf("got %v (total %d), want %v", ids, n, tt.want)
			}
		})
	}
	t.Run("ErrBadPostmortemStatus", func(t *testing.T) {
		_, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{PostmortemStatus: "LOST"})
		wantFields(t, err, "postmortem_status")
	})
	t.Run("FindServices", func(t *testing.T) {
		got, err := s.FindServices(ctx)
		ok(t, err)
		if !reflect.DeepEqual(got, []string{"API", "Database", "cache"}) {
			t.Fatalf("services %q, want each once, sorted", got)
		}
	})
	t.Run("FindPostmortemStatuses", func(t *testing.T) {
		got, err := s.FindPostmortemStatuses(ctx, []string{draft.ID, review.ID, none.ID, "INCIDENT-nowhere"})
		ok(t, err)
		want := map[string]hindsight.DocumentStatus{draft.ID: hindsight.DocDraft, review.ID: hindsight.DocUnderReview}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("statuses %v, want %v", got, want)
		}
		_, err = s.FindPostmortemStatuses(ctx, make([]string, hindsight.MaxPageLimit+1))
		wantCode(t, err, hindsight.EINVALID)
	})
}
