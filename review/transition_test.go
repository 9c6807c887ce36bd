package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

func TestService_TransitionDocument(t *testing.T) {
	d, r, a, x := hindsight.DocDraft, hindsight.DocUnderReview, hindsight.DocApproved, hindsight.DocArchived
	tests := []struct {
		name     string
		from, to hindsight.DocumentStatus
		reason   string
		code     string // "" for legal
		text     string
	}{
		{"DraftToDraft", d, d, "again", hindsight.ECONFLICT, "cannot move from DRAFT to DRAFT"},
		{"DraftToUnderReview", d, r, "", "", ""},
		{"DraftToApproved", d, a, "", hindsight.ECONFLICT, "cannot move from DRAFT to APPROVED"},
		{"DraftToArchived", d, x, "", hindsight.ECONFLICT, "cannot move from DRAFT to ARCHIVED"},
		{"UnderReviewToDraft", r, d, "root cause is a guess", "", ""},
		{"UnderReviewToDraftWithoutReason", r, d, " ", hindsight.EINVALID, "a reason is required"},
		{"UnderReviewToUnderReview", r, r, "", hindsight.ECONFLICT, "cannot move from UNDER REVIEW to UNDER REVIEW"},
		{"UnderReviewToApproved", r, a, "", "", ""},
		{"UnderReviewToArchived", r, x, "", hindsight.ECONFLICT, "cannot move from UNDER REVIEW to ARCHIVED"},
		{"ApprovedToDraft", a, d, "late change", "", ""},
		{"ApprovedToDraftWithoutReason", a, d, "", hindsight.EINVALID, "a reason is required"},
		{"ApprovedToUnderReview", a, r, "", hindsight.ECONFLICT, "cannot move from APPROVED to UNDER REVIEW"},
		{"ApprovedToApproved", a, a, "", hindsight.ECONFLICT, "cannot move from APPROVED to APPROVED"},
		{"ApprovedToArchived", a, x, "", "", ""},
		{"ArchivedToDraft", x, d, "reopen", hindsight.ECONFLICT, "ARCHIVED and read-only"},
		{"ArchivedToUnderReview", x, r, "", hindsight.ECONFLICT, "ARCHIVED and read-only"},
		{"ArchivedToApproved", x, a, "", hindsight.ECONFLICT, "ARCHIVED and read-only"},
		{"ArchivedToArchived", x, x, "", hindsight.ECONFLICT, "ARCHIVED and read-only"},
		{"UnknownStatus", d, "DONE", "", hindsight.EINVALID, "unknown document status"},
	}
	forEachEngine(t, func(t *testing.T, f *fixture) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := fmt.Sprintf("INCIDENT-20250930-0024-doc%02d", i)
				f.mustDocumentAt(t, id, tt.from)
				before, _, err := f.store.FindRevisions(context.Background(), hindsight.RevisionFilter{IncidentID: id})
				ok(t, err)
				eventsBefore, err := f.store.FindTimeline(context.Background(), id)
				ok(t, err)
				doc, err := f.svc.TransitionDocument(mover(tt.from, tt.to), id, tt.to, tt.reason)
				if tt.code != "" {
					wantCode(t, err, tt.code, tt.text)
					stored, _ := f.store.FindDocument(context.Background(), id)
					if stored.Status != tt.from {
						t.Fatalf("refused transition changed the status to %s", stored.Status)
					}
					return
				}
				ok(t, err)
				if doc.Status != tt.to {
					t.Fatalf("status %s, want %s", doc.Status, tt.to)
				}
				// Review bookkeeping is history, not an event of the incident.
				eventsAfter, err := f.store.FindTimeline(context.Background(), id)
				ok(t, err)
				if len(eventsAfter) != len(eventsBefore) {
					t.Fatalf("timeline went from %d to %d events: review bookkeeping leaked into the incident's timeline", len(eventsBefore), len(eventsAfter))
				}
				after, _, err := f.store.FindRevisions(context.Background(), hindsight.RevisionFilter{IncidentID: id, Page: hindsight.Page{Limit: 1000}})
				ok(t, err)
				if len(after) <= len(before) {
					t.Fatalf("no history written: %d revisions before, %d after", len(before), len(after))
				}
				last := after[len(after)-1]
				if tt.to == hindsight.DocDraft {
					// Back to DRAFT records the reason as a request for
					// changes, after the document's own revision.
					if last.Entity != sqlstore.EntityComment || !strings.Contains(string(last.After), `"kind":"request_changes"`) ||
						!strings.Contains(string(last.After), tt.reason) {
						t.Fatalf("last revision %s %s, want the request-changes comment %q", last.Entity, last.After, tt.reason)
					}
					last = after[len(after)-2]
				}
				if want := hindsight.ActorFromContext(mover(tt.from, tt.to)); last.Entity != hindsight.EntityDocument || last.Actor != want {
					t.Fatalf("last revision %s by %s, want the document by %s", last.Entity, last.Actor, want)
				}
			})
		}
	})
}

// wantStatusEvent checks the last timeline event is the status change.
func wantStatusEvent(t *testing.T, f *fixture, id, event, action, actor string) {
	t.Helper()
	events, err := f.store.FindTimeline(context.Background(), id)
	ok(t, err)
	if len(events) == 0 {
		t.Fatal("no timeline event")
	}
	e := events[len(events)-1]
	if e.Type != hindsight.EventStatusChange || e.Event != event || !strings.HasPrefix(e.Action, action) || e.Actor != actor || e.CreatedBy != actor {
		t.Fatalf("last event %+v, want %s %q by %s", e, event, action, actor)
	}
}

func TestService_TransitionDocumentRoles(t *testing.T) {
	d, r, a, x := hindsight.DocDraft, hindsight.DocUnderReview, hindsight.DocApproved, hindsight.DocArchived
	tests := []struct {
		name     string
		from, to hindsight.DocumentStatus
		ctx      context.Context
		code     string
	}{
		{"ViewerSubmits", d, r, viewer, hindsight.EFORBIDDEN},
		{"EditorSubmits", d, r, editor, ""},
		{"EditorApproves", r, a, editor, hindsight.EFORBIDDEN},
		{"ApproverApproves", r, a, approver, ""},
		{"EditorArchives", a, x, editor, hindsight.EFORBIDDEN},
		{"ApproverArchives", a, x, approver, ""},
		{"EditorReopensRecord", a, d, editor, hindsight.EFORBIDDEN},
		{"ApproverReopensRecord", a, d, approver, ""},
		{"Anonymous", d, r, context.Background(), hindsight.EUNAUTHORIZED},
	}
	forEachEngine(t, func(t *testing.T, f *fixture) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := fmt.Sprintf("INCIDENT-20250930-0024-role%02d", i)
				f.mustDocumentAt(t, id, tt.from)
				_, err := f.svc.TransitionDocument(tt.ctx, id, tt.to, "a reason")
				if tt.code == "" {
					ok(t, err)
					return
				}
				wantCode(t, err, tt.code, "")
				stored, _ := f.store.FindDocument(context.Background(), id)
				if stored.Status != tt.from {
					t.Fatalf("refused move changed the status to %s", stored.Status)
				}
			})
		}
	})
}

func TestService_TransitionIncident(t *testing.T) {
	inv, mit, res := hindsight.IncidentInvestigating, hindsight.IncidentMitigated, hindsight.IncidentResolved
	tests := []struct {
		name     string
		from, to hindsight.IncidentStatus
		code     string
		text     string
	}{
		{"InvestigatingToInvestigating", inv, inv, hindsight.ECONFLICT, "already UNDER INVESTIGATION"},
		{"InvestigatingToMitigated", inv, mit, "", ""},
		{"InvestigatingToResolved", inv, res, "", ""},
		{"MitigatedToInvestigating", mit, inv, "", ""},
		{"MitigatedToMitigated", mit, mit, hindsight.ECONFLICT, "already MITIGATED"},
		{"MitigatedToResolved", mit, res, "", ""},
		{"ResolvedToInvestigating", res, inv, "", ""},
		{"ResolvedToMitigated", res, mit, hindsight.ECONFLICT, "cannot move from RESOLVED to MITIGATED"},
		{"ResolvedToResolved", res, res, hindsight.ECONFLICT, "already RESOLVED"},
		{"Unknown", inv, "CLOSED", hindsight.EINVALID, "unknown incident status"},
	}
	forEachEngine(t, func(t *testing.T, f *fixture) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := fmt.Sprintf("INCIDENT-20250930-0024-inc%02d", i)
				f.mustIncident(t, id, nil)
				if tt.from != inv {
					_, err := f.svc.TransitionIncident(editor, id, tt.from, "setup")
					ok(t, err)
				}
				inc, err := f.svc.TransitionIncident(editor, id, tt.to, "because")
				if tt.code != "" {
					wantCode(t, err, tt.code, tt.text)
					return
				}
				ok(t, err)
				if inc.Status != tt.to || (tt.to == res) != (inc.ResolvedAt != nil) {
					t.Fatalf("incident %s resolved_at %v", inc.Status, inc.ResolvedAt)
				}
				wantStatusEvent(t, f, id, "Incident status", string(tt.from)+" → "+string(tt.to)+": because", "eddie")
			})
		}
	})
	// Subtest names stay unique: a "#01" suffix would end up in the SQLite
	// file's path, where the store's DSN reads it as a URL fragment.
	t.Run("ArchivedIsReadOnly", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, f *fixture) {
			id := "INCIDENT-20250930-0024-archived"
			f.mustDocumentAt(t, id, hindsight.DocArchived)
			_, err := f.svc.TransitionIncident(editor, id, hindsight.IncidentResolved, "")
			wantCode(t, err, hindsight.ECONFLICT, "ARCHIVED and read-only")
			id = "INCIDENT-20250930-0024-approved"
			f.mustDocumentAt(t, id, hindsight.DocApproved)
			_, err = f.svc.TransitionIncident(editor, id, hindsight.IncidentResolved, "")
			wantCode(t, err, hindsight.ECONFLICT, "back to DRAFT first")
		})
	})
}

func TestService_SubmitNeedsCleanLint(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		id := "INCIDENT-20250930-0024-lint"
		inc := f.mustIncident(t, id, nil)
		n := cleanNarrative()
		n.RootCause = "[Brief technical explanation]"
		n.Whys[2].Answer = ""
		f.mustDraft(t, inc, n)

		_, err := f.svc.TransitionDocument(editor, id, hindsight.DocUnderReview, "")
		wantCode(t, err, hindsight.ECONFLICT, "lint found 2 problem(s)")
		le, isLint := asLintError(err)
		if !isLint || len(le.Findings) != 2 {
			t.Fatalf("want 2 structured findings, got %v", err)
		}
		if le.Findings[0].Field != "root_cause" || le.Findings[0].Rule != "placeholder" || le.Findings[0].Line == 0 {
			t.Fatalf("first finding %+v", le.Findings[0])
		}
		if le.Findings[1].Field != "whys[3].answer" || le.Findings[1].Rule != "empty-why" {
			t.Fatalf("second finding %+v", le.Findings[1])
		}
		if !strings.Contains(err.Error(), "root_cause still holds the placeholder") {
			t.Fatalf("message does not list the findings: %v", err)
		}
		doc, err := f.store.FindDocument(ctx, id)
		ok(t, err)
		if doc.Status != hindsight.DocDraft {
			t.Fatalf("status %s after a refused submit", doc.Status)
		}

		if _, err := f.svc.UpdateNarrative(editor, id, cleanNarrative(), doc.Version); err != nil {
			t.Fatal(err)
		}
		if findings, err := f.svc.LintPostmortem(ctx, id); err != nil || len(findings) != 0 {
			t.Fatalf("findings %v, %v after fixing", findings, err)
		}
		if _, err := f.svc.TransitionDocument(editor, id, hindsight.DocUnderReview, ""); err != nil {
			t.Fatalf("submit after fixing: %v", err)
		}
	})
}

func TestService_DocumentLint(t *testing.T) {
	f := newFixture(t, teststore.SQLiteDSN(t))
	f.svc.Lint = nil // the default: the lint package over the rendered document
	id := "INCIDENT-20250930-0024-seed"
	inc := f.mustIncident(t, id, nil)
	f.mustDraft(t, inc, postmortem.PlaceholderNarrative())
	_, err := f.svc.TransitionDocument(editor, id, hindsight.DocUnderReview, "")
	le, isLint := asLintError(err)
	if !isLint {
		t.Fatalf("submitting the unedited draft: %v", err)
	}
	rules := map[string]bool{}
	for _, fd := range le.Findings {
		rules[fd.Rule] = true
		if fd.Line == 0 {
			t.Fatalf("finding without a line: %+v", fd)
		}
	}
	for _, want := range []string{"placeholder", "empty-why", "action-owner"} {
		if !rules[want] {
			t.Errorf("no %s finding among %v", want, rules)
		}
	}
	pm, err := f.store.FindPostmortem(context.Background(), id)
	ok(t, err)
	var buf strings.Builder
	ok(t, postmortem.Render(&buf, *pm, nil))
	lines := strings.Split(buf.String(), "\n")
	for _, fd := range le.Findings {
		if strings.Contains(lines[fd.Line-1], "Similar incidents prevented") {
			t.Fatalf("the follow-up section, computed later, was linted: %+v", fd)
		}
		if strings.Contains(lines[fd.Line-1], "@manager") || strings.Contains(lines[fd.Line-1], "(Date: ") {
			t.Fatalf("the sign-off section, which the review itself fills, was linted: %+v", fd)
		}
	}
}
