package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func TestService_AddComment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const id = "INCIDENT-20250930-0024-comments"
		f.mustDocumentAt(t, id, hindsight.DocDraft)

		t.Run("MentionsAndThread", func(t *testing.T) {
			c, err := f.svc.AddComment(editor, id, hindsight.Comment{Section: "root_cause",
				Body: "Is this right, @Bob? Ask ops@example.com and @eddie; également @zoë, @zoe_k."})
			ok(t, err)
			if c.ID == 0 || c.Author != "eddie" || c.Kind != hindsight.CommentNote || c.Section != "root_cause" {
				t.Fatalf("stored %+v", c)
			}
			if strings.Join(c.Mentions, ",") != "Bob,eddie,zoe_k" {
				t.Fatalf("mentions %q, want Bob, eddie, zoe_k (not the e-mail, not @zoë: handles are ASCII)", c.Mentions)
			}
			reply, err := f.svc.AddComment(author, id, hindsight.Comment{ParentID: c.ID, Body: "Yes, checked."})
			ok(t, err)
			threads, err := f.svc.Comments(viewer, id)
			ok(t, err)
			if len(threads) != 1 || threads[0].ID != c.ID || len(threads[0].Replies) != 1 || threads[0].Replies[0].ID != reply.ID {
				t.Fatalf("threads %+v", threads)
			}
			// One event per person mentioned, never the author themself.
			events, err := f.store.FindPersonEvents(ctx, time.Time{}, 100)
			ok(t, err)
			var got []string
			for _, e := range events {
				if e.Kind == hindsight.EventMentioned {
					got = append(got, e.Recipient)
					if !strings.Contains(e.Path, "#comment-") || !strings.Contains(e.Title, "eddie mentioned you") {
						t.Errorf("event %+v", e)
					}
				}
			}
			if strings.Join(got, ",") != "Bob,zoe_k" {
				t.Fatalf("mention events for %q, want Bob and zoe_k", got)
			}
		})

		t.Run("Resolve", func(t *testing.T) {
			c, err := f.svc.AddComment(editor, id, hindsight.Comment{Body: "Add the graph."})
			ok(t, err)
			r, err := f.svc.AddComment(editor, id, hindsight.Comment{ParentID: c.ID, Body: "Done."})
			ok(t, err)
			_, err = f.svc.ResolveComment(viewer, id, c.ID)
			wantCode(t, err, hindsight.EFORBIDDEN, "editor")
			_, err = f.svc.ResolveComment(editor, id, r.ID)
			wantCode(t, err, hindsight.ECONFLICT, "is a reply")
			_, err = f.svc.ResolveComment(editor, "INCIDENT-20250930-0024-other", c.ID)
			wantCode(t, err, hindsight.ENOTFOUND, "")
			done, err := f.svc.ResolveComment(author, id, c.ID)
			ok(t, err)
			if done.ResolvedAt == nil || done.ResolvedBy != "parallels" {
				t.Fatalf("resolved %+v", done)
			}
			_, err = f.svc.ResolveComment(editor, id, c.ID)
			wantCode(t, err, hindsight.ECONFLICT, "already resolved by parallels")
			revs, _, err := f.store.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: id, Page: hindsight.Page{Limit: 1000}})
			ok(t, err)
			last := revs[len(revs)-1]
			if last.Entity != "comment" || last.Actor != "parallels" || !strings.Contains(string(last.After), "resolved_by") {
				t.Fatalf("last revision %+v, want the resolution in history", last)
			}
		})

		t.Run("Refused", func(t *testing.T) {
			before, err := f.store.FindComments(ctx, id)
			ok(t, err)
			_, err = f.svc.AddComment(context.Background(), id, hindsight.Comment{Body: "anonymous"})
			wantCode(t, err, hindsight.EUNAUTHORIZED, "")
			_, err = f.svc.AddComment(viewer, id, hindsight.Comment{Body: "a viewer"})
			wantCode(t, err, hindsight.EFORBIDDEN, "commenting needs editor")
			_, err = f.svc.AddComment(editor, id, hindsight.Comment{Body: "  \n"})
			wantCode(t, err, hindsight.EINVALID, "body")
			_, err = f.svc.AddComment(editor, id, hindsight.Comment{Body: "x", Section: "<script>"})
			wantCode(t, err, hindsight.EINVALID, "section")
			_, err = f.svc.AddComment(editor, id, hindsight.Comment{Body: strings.Repeat("a", hindsight.MaxCommentBytes+1)})
			wantCode(t, err, hindsight.EINVALID, "body")
			_, err = f.svc.AddComment(editor, id, hindsight.Comment{Body: "x", ParentID: 99999})
			wantCode(t, err, hindsight.ENOTFOUND, "")
			_, err = f.svc.AddComment(editor, "INCIDENT-20250930-0024-nope", hindsight.Comment{Body: "x"})
			wantCode(t, err, hindsight.ENOTFOUND, "")
			// Requesting changes of a DRAFT is an illegal move: nothing stored.
			_, err = f.svc.AddComment(editor, id, hindsight.Comment{Kind: hindsight.CommentRequestChanges, Body: "x"})
			wantCode(t, err, hindsight.ECONFLICT, "DRAFT to DRAFT")
			after, err := f.store.FindComments(ctx, id)
			ok(t, err)
			if len(after) != len(before) {
				t.Fatalf("refused comments stored: %d before, %d after", len(before), len(after))
			}
		})
	})
}

func TestService_RequestChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		const id = "INCIDENT-20250930-0024-changes"
		f.mustDocumentAt(t, id, hindsight.DocUnderReview)
		c, err := f.svc.AddComment(techLead, id, hindsight.Comment{Kind: hindsight.CommentRequestChanges, Section: "whys",
			Body: "The third why stops at the symptom, @parallels."})
		ok(t, err)
		doc, err := f.store.FindDocument(context.Background(), id)
		ok(t, err)
		if doc.Status != hindsight.DocDraft {
			t.Fatalf("status %s after a request for changes, want DRAFT", doc.Status)
		}
		if c.Kind != hindsight.CommentRequestChanges || c.Section != "whys" || c.Author != "tess" || c.ID == 0 {
			t.Fatalf("comment %+v", c)
		}
		// "Back to draft" from the status form records the same kind of comment.
		const id2 = "INCIDENT-20250930-0024-changes2"
		f.mustDocumentAt(t, id2, hindsight.DocApproved)
		_, err = f.svc.AddComment(editor, id2, hindsight.Comment{Body: "a note on a record"})
		wantCode(t, err, hindsight.ECONFLICT, "APPROVED and is a record")
		_, err = f.svc.TransitionDocument(approver, id2, hindsight.DocDraft, "Reopened: the root cause changed")
		ok(t, err)
		threads, err := f.svc.Comments(viewer, id2)
		ok(t, err)
		if len(threads) != 1 || threads[0].Kind != hindsight.CommentRequestChanges || threads[0].Body != "Reopened: the root cause changed" || threads[0].Author != "abe" {
			t.Fatalf("threads after going back to DRAFT: %+v", threads)
		}
	})
}

func TestService_PersonEvents(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		policy := hindsight.DefaultSignOffPolicy()
		// Signers by handle and by e-mail address: Lena's address is in the
		// directory (written in another case), the submitter's too, the
		// lead's is not.
		policy.Signers = map[hindsight.SignOffRole][]string{hindsight.RoleTechnicalReview: {"@tess", "lead@example.com", "LENA@example.com", "eddie@example.com"}}
		f.svc.Policy = policy
		for _, p := range []*hindsight.Person{{Handle: "lena", Name: "Lena Ødegård", Email: "Lena@Example.com", Source: "config"}, {Handle: "eddie", Email: "eddie@example.com", Source: "config"}} {
			ok(t, f.store.UpsertPerson(ctx, p))
		}
		const id = "INCIDENT-20250930-0024-events"
		inc := f.mustIncident(t, id, nil)
		f.mustDraft(t, inc, cleanNarrative())
		a := &hindsight.ActionItem{Title: "Add a canary", Owner: "@ana", Verification: "a canary exists"}
		ok(t, f.svc.CreateAction(editor, id, a))
		owner := "@omar"
		_, err := f.svc.UpdateAction(editor, a.ID, hindsight.ActionPatch{Owner: &owner}, a.Version)
		ok(t, err)
		title := "Add a canary, renamed"
		_, err = f.svc.UpdateAction(editor, a.ID, hindsight.ActionPatch{Title: &title}, a.Version+1)
		ok(t, err)
		_, err = f.svc.TransitionDocument(editor, id, hindsight.DocUnderReview, "")
		ok(t, err)
		events, err := f.store.FindPersonEvents(ctx, time.Time{}, 100)
		ok(t, err)
		var got []string
		for _, e := range events {
			got = append(got, string(e.Kind)+":"+e.Recipient)
		}
		// Lena is asked under her handle; the lead's address is not in the
		// directory, and the submitter is not asked to review their own
		// submission; the title change reassigns no one.
		want := "action_assigned:ana,action_assigned:omar,review_requested:tess,review_requested:lena"
		if strings.Join(got, ",") != want {
			t.Fatalf("events %q, want %q", got, want)
		}
	})
}
