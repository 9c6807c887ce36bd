package tracker_test

import (
	"context"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/fakegithub"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

func TestGitHub_LinkExistingIssue(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gh := fakegithub.New(t, repo, token)
		gh.Set(func(f *fakegithub.Server) {
			for range 6 {
				f.Issues[len(f.Issues)+1] = &fakegithub.Issue{Title: "older", State: "open"}
			}
			f.Issues[7] = &fakegithub.Issue{Title: "Already tracked", State: "closed", StateReason: "completed"}
		})
		e := newEnv(t, dsn, "a", gh, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Rotate the certificates", gh.HTMLURL(7))
		e.mustSync(t)
		if gh.Creates != 0 || gh.Edits != 0 || gh.Gets != 1 {
			t.Errorf("%d creates, %d edits, %d reads; want the issue read only", gh.Creates, gh.Edits, gh.Gets)
		}
		l := e.link(t, a.ID)
		if l.State != hindsight.TrackerSynced || l.IssueKey != repo+"#7" {
			t.Errorf("link %+v, want synced to #7", l)
		}
		if got := e.action(t, a.ID); got.Status != hindsight.ActionDone {
			t.Errorf("linked to a completed issue: %s, want done", got.Status)
		}
		if gh.Issue(7).Title != "Already tracked" {
			t.Errorf("linking renamed the issue to %q", gh.Issue(7).Title)
		}
		// Later changes are pushed to the linked issue.
		title := "Rotate the certificates yearly"
		if _, err := e.review.UpdateAction(context.Background(), a.ID, hindsight.ActionPatch{Title: &title}, e.action(t, a.ID).Version); err != nil {
			t.Fatal(err)
		}
		e.mustSync(t)
		if gh.Issue(7).Title != title || gh.Creates != 0 {
			t.Errorf("after a change: issue 7 titled %q, %d creates", gh.Issue(7).Title, gh.Creates)
		}

		// A link elsewhere is left alone: no issue, no request.
		other := e.addAction(t, "INC-1", "Write the runbook", "https://wiki.example.com/runbooks/checkout")
		reads := gh.Gets
		e.mustSync(t)
		if l := e.link(t, other.ID); l.State != hindsight.TrackerNone || gh.Creates != 0 || gh.Gets != reads {
			t.Errorf("an outside link: %+v, %d creates, want none and no request", l, gh.Creates)
		}
	})
}

func TestGitHub_ReconcileCatchesMissedWebhooks(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gh := fakegithub.New(t, repo, token)
		e := newEnv(t, dsn, "a", gh, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		done := e.addAction(t, "INC-1", "Closed without webhook", "")
		dropped := e.addAction(t, "INC-1", "Not planned without webhook", "")
		open := e.addAction(t, "INC-1", "Still open", "")
		e.mustSync(t)
		gh.Set(func(f *fakegithub.Server) {
			f.Issues[1].State, f.Issues[1].StateReason = "closed", "completed"
			f.Issues[2].State, f.Issues[2].StateReason = "closed", "not_planned"
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
		gh.Set(func(f *fakegithub.Server) {
			delete(f.Issues, 1)
			f.Issues[3].State = "closed"
		})
		n, err = e.sync.Reconcile(context.Background())
		if err == nil || n != 1 || e.action(t, open.ID).Status != hindsight.ActionDone {
			t.Errorf("reconcile with a missing issue: %d changed, %v; want an error and issue 3 applied", n, err)
		}
	})
}
