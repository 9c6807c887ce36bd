package tracker_test

import (
	"context"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/review"
)

func TestGitHub_LinkExistingIssue(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, dsn string) {
		gh := newFakeGitHub(t, repo, token)
		gh.set(func(f *fakeGitHub) {
			for range 6 {
				f.issues[len(f.issues)+1] = &fakeIssue{Title: "older", State: "open"}
			}
			f.issues[7] = &fakeIssue{Title: "Already tracked", State: "closed", StateReason: "completed"}
		})
		e := newEnv(t, dsn, "a", gh, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Rotate the certificates", gh.htmlURL(7))
		e.mustSync(t)
		if gh.creates != 0 || gh.edits != 0 || gh.gets != 1 {
			t.Errorf("%d creates, %d edits, %d reads; want the issue read only", gh.creates, gh.edits, gh.gets)
		}
		l := e.link(t, a.ID)
		if l.State != hindsight.TrackerSynced || l.IssueKey != repo+"#7" {
			t.Errorf("link %+v, want synced to #7", l)
		}
		if got := e.action(t, a.ID); got.Status != hindsight.ActionDone {
			t.Errorf("linked to a completed issue: %s, want done", got.Status)
		}
		if gh.issue(7).Title != "Already tracked" {
			t.Errorf("linking renamed the issue to %q", gh.issue(7).Title)
		}
		// Later changes are pushed to the linked issue.
		title := "Rotate the certificates yearly"
		if _, err := e.review.UpdateAction(context.Background(), a.ID, review.ActionPatch{Title: &title}, e.action(t, a.ID).Version); err != nil {
			t.Fatal(err)
		}
		e.mustSync(t)
		if gh.issue(7).Title != title || gh.creates != 0 {
			t.Errorf("after a change: issue 7 titled %q, %d creates", gh.issue(7).Title, gh.creates)
		}

		// A link elsewhere is left alone: no issue, no request.
		other := e.addAction(t, "INC-1", "Write the runbook", "https://wiki.example.com/runbooks/checkout")
		reads := gh.gets
		e.mustSync(t)
		if l := e.link(t, other.ID); l.State != hindsight.TrackerNone || gh.creates != 0 || gh.gets != reads {
			t.Errorf("an outside link: %+v, %d creates, want none and no request", l, gh.creates)
		}
	})
}

func TestGitHub_ReconcileCatchesMissedWebhooks(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, dsn string) {
		gh := newFakeGitHub(t, repo, token)
		e := newEnv(t, dsn, "a", gh, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		done := e.addAction(t, "INC-1", "Closed without webhook", "")
		dropped := e.addAction(t, "INC-1", "Not planned without webhook", "")
		open := e.addAction(t, "INC-1", "Still open", "")
		e.mustSync(t)
		gh.set(func(f *fakeGitHub) {
			f.issues[1].State, f.issues[1].StateReason = "closed", "completed"
			f.issues[2].State, f.issues[2].StateReason = "closed", "not_planned"
		})
		n, err := e.sync.Reconcile(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("reconcile: %d changed, %v; want 2", n, err)
		}
		for _, c := range []struct {
			id   int64
			want hindsight.ActionStatus
		}{{done.ID, hindsight.ActionDone}, {dropped.ID, hindsight.ActionWontDo}, {open.ID, hindsight.ActionOpen}} {
			if got := e.action(t, c.id); got.Status != c.want {
				t.Errorf("action %d: %s, want %s", c.id, got.Status, c.want)
			}
		}
		if n, err := e.sync.Reconcile(context.Background()); err != nil || n != 0 {
			t.Errorf("second reconcile: %d changed, %v; want none", n, err)
		}
		// An issue that cannot be read is reported, and the rest still applied.
		gh.set(func(f *fakeGitHub) {
			delete(f.issues, 1)
			f.issues[3].State = "closed"
		})
		n, err = e.sync.Reconcile(context.Background())
		if err == nil || n != 1 || e.action(t, open.ID).Status != hindsight.ActionDone {
			t.Errorf("reconcile with a missing issue: %d changed, %v; want an error and issue 3 applied", n, err)
		}
	})
}
