package hindsight_test

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func TestDocumentStatus_CanTransition(t *testing.T) {
	legal := map[[2]hindsight.DocumentStatus]bool{
		{hindsight.DocDraft, hindsight.DocUnderReview}:    true,
		{hindsight.DocUnderReview, hindsight.DocDraft}:    true,
		{hindsight.DocUnderReview, hindsight.DocApproved}: true,
		{hindsight.DocApproved, hindsight.DocArchived}:    true,
		{hindsight.DocApproved, hindsight.DocDraft}:       true,
	}
	for _, from := range hindsight.DocumentStatuses {
		for _, to := range hindsight.DocumentStatuses {
			err := from.CanTransition(to)
			if legal[[2]hindsight.DocumentStatus{from, to}] {
				if err != nil {
					t.Errorf("%s → %s refused: %v", from, to, err)
				}
			} else if hindsight.ErrorCode(err) != hindsight.ECONFLICT || hindsight.ErrorMessage(err) == "" {
				t.Errorf("%s → %s = %v, want a conflict that says why", from, to, err)
			}
		}
	}
	if err := hindsight.DocDraft.CanTransition("PUBLISHED"); hindsight.ErrorCode(err) != hindsight.EINVALID {
		t.Errorf("unknown target status: %v", err)
	}
	if msg := hindsight.ErrorMessage(hindsight.DocArchived.CanTransition(hindsight.DocDraft)); msg != "the post-mortem is ARCHIVED and read-only" {
		t.Errorf("archived message = %q", msg)
	}
}

func TestIncidentStatus_CanTransition(t *testing.T) {
	legal := map[[2]hindsight.IncidentStatus]bool{
		{hindsight.IncidentInvestigating, hindsight.IncidentMitigated}: true,
		{hindsight.IncidentInvestigating, hindsight.IncidentResolved}:  true,
		{hindsight.IncidentMitigated, hindsight.IncidentResolved}:      true,
		{hindsight.IncidentMitigated, hindsight.IncidentInvestigating}: true,
		{hindsight.IncidentResolved, hindsight.IncidentInvestigating}:  true,
	}
	for _, from := range hindsight.IncidentStatuses {
		for _, to := range hindsight.IncidentStatuses {
			err := from.CanTransition(to)
			if legal[[2]hindsight.IncidentStatus{from, to}] != (err == nil) {
				t.Errorf("%s → %s: err = %v, legal = %v", from, to, err, legal[[2]hindsight.IncidentStatus{from, to}])
			}
			if err != nil && hindsight.ErrorCode(err) != hindsight.ECONFLICT {
				t.Errorf("%s → %s: code %s, want conflict", from, to, hindsight.ErrorCode(err))
			}
		}
	}
}

func TestIncident_Validate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		inc := hindsight.Incident{ID: "INCIDENT-20250930-0024-x", Title: "x", Severity: hindsight.SEV2, Status: hindsight.IncidentInvestigating, StartedAt: time.Now()}
		if err := inc.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrListsEveryField", func(t *testing.T) {
		start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
		before := start.Add(-time.Hour)
		inc := hindsight.Incident{Severity: "SEV9", Status: "OPEN", StartedAt: start, ResolvedAt: &before}
		var e *hindsight.Error
		if err := inc.Validate(); !asError(err, &e) || e.Code != hindsight.EINVALID {
			t.Fatalf("Validate = %v", err)
		}
		got := map[string]bool{}
		for _, f := range e.Fields {
			got[f.Field] = true
		}
		for _, f := range []string{"id", "title", "severity", "status", "resolved_at"} {
			if !got[f] {
				t.Errorf("field %s missing from %v", f, e)
			}
		}
	})
}

func TestParseActionStatus(t *testing.T) {
	for in, want := range map[string]hindsight.ActionStatus{
		"open": hindsight.ActionOpen, "⏳ Open": hindsight.ActionOpen, "In Progress": hindsight.ActionInProgress,
		"in_progress": hindsight.ActionInProgress, "✅ Done": hindsight.ActionDone, "won't do": hindsight.ActionWontDo, "wont_do": hindsight.ActionWontDo,
	} {
		got, err := hindsight.ParseActionStatus(in)
		if err != nil || got != want {
			t.Errorf("ParseActionStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := hindsight.ParseActionStatus("maybe"); hindsight.ErrorCode(err) != hindsight.EINVALID {
		t.Errorf("unknown status: %v", err)
	}
}

func TestActionItem_Validate(t *testing.T) {
	a := hindsight.ActionItem{Title: "Fix", Horizon: hindsight.HorizonImmediate, Status: hindsight.ActionWontDo}
	if err := a.Validate(); hindsight.ErrorCode(err) != hindsight.EINVALID {
		t.Fatalf("wont_do without a reason: %v", err)
	}
	a.StatusReason = "superseded by the new load balancer"
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2025, 10, 7, 0, 0, 0, 0, time.UTC)
	a.Status, a.DueDate = hindsight.ActionOpen, due
	if a.Overdue(due.Add(12 * time.Hour)) {
		t.Error("overdue on its due date")
	}
	if !a.Overdue(due.AddDate(0, 0, 2)) {
		t.Error("not overdue two days later")
	}
}
