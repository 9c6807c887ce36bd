package tracker_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/github"
	"github.com/hindsight-sre/hindsight/internal/fakegithub"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/tracker"
)

// TestGitHub_TeamRouteAndAssignee routes by the owner's team in the
// directory of people and assigns the issue to the owner's handle.
func TestGitHub_TeamRouteAndAssignee(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gh := fakegithub.New(t, repo, token)
		c, err := github.NewClient(gh.APIURL(), token, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := newEnvRoute(t, dsn, "a", testenv.NewClock(start), tracker.Route{Name: "payments", Teams: []string{"Payments"}, Assign: true,
			Adapter: &tracker.GitHub{Client: c, Repository: repo, WebhookSecret: secret, WebHost: github.WebHost(gh.APIURL())}})
		e.sync.People = e.store
		ctx := context.Background()
		for _, p := range []*hindsight.Person{{Handle: "alice", Team: "payments"}, {Handle: "bob", Team: "payments"}, {Handle: "carol", Team: "search"}} {
			p.Source = hindsight.PersonFromConfig
			if err := e.store.UpsertPerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		e.addIncident(t, "INC-1", "billing") // no route by service
		a := e.addAction(t, "INC-1", "Retry card captures", "")
		other := &hindsight.ActionItem{Title: "Reindex", Owner: "@carol", Verification: "v"}
		if err := e.review.CreateAction(ctx, "INC-1", other); err != nil {
			t.Fatal(err)
		}
		e.mustSync(t)
		if l := e.link(t, a.ID); l.State != hindsight.TrackerSynced || l.Tracker != "payments" {
			t.Fatalf("alice's action (team payments): %+v, want synced through the team's route", l)
		}
		if got := gh.Issue(1).Assignees; !slices.Equal(got, []string{"alice"}) {
			t.Errorf("assignees %v, want [alice]", got)
		}
		if l := e.link(t, other.ID); l.State != hindsight.TrackerNone {
			t.Errorf("carol's action (team search): %+v, want no tracker", l)
		}
		owner := "@Bob"
		if _, err := e.review.UpdateAction(ctx, a.ID, hindsight.ActionPatch{Owner: &owner}, e.action(t, a.ID).Version); err != nil {
			t.Fatal(err)
		}
		e.mustSync(t)
		if got := gh.Issue(1).Assignees; !slices.Equal(got, []string{"bob"}) || gh.Creates != 1 {
			t.Errorf("after the owner changed: assignees %v, %d creates; want [bob], 1", got, gh.Creates)
		}
	})
}

// TestGitLab_Assignee assigns a GitLab issue to the GitLab user whose
// username is the owner's handle, found through GitLab's user search, and
// follows the owner; an owner GitLab does not know leaves the issue
// unassigned (the body still names them).
func TestGitLab_Assignee(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gl := newFakeGitLab(t, glProject, token)
		gl.set(func(f *fakeGitLab) { f.users = map[string]int64{"alice": 41, "Bob.K": 42} })
		c, err := tracker.NewGitLabClient(gl.srv.URL, token)
		if err != nil {
			t.Fatal(err)
		}
		e := newEnvRoute(t, dsn, "a", testenv.NewClock(start), tracker.Route{Name: "platform", Services: []string{"checkout"}, Assign: true,
			Adapter: &tracker.GitLab{Client: c, Project: glProject, WebhookSecret: secret, WebHost: strings.TrimPrefix(gl.srv.URL, "http://")}})
		e.sync.People = e.store
		ctx := context.Background()
		for _, p := range []*hindsight.Person{{Handle: "alice"}, {Handle: "bob.k"}, {Handle: "dora"}} {
			p.Source = hindsight.PersonFromConfig
			if err := e.store.UpsertPerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Retry card captures", "") // owned by @alice
		e.mustSync(t)
		gl.set(func(f *fakeGitLab) {
			if got := f.assignees[1]; !slices.Equal(got, []int64{41}) {
				t.Errorf("assignee_ids %v, want [41] (alice)", got)
			}
		})
		for _, owner := range []string{"@Bob.K", "@dora"} {
			if _, err := e.review.UpdateAction(ctx, a.ID, hindsight.ActionPatch{Owner: &owner}, e.action(t, a.ID).Version); err != nil {
				t.Fatal(err)
			}
			e.mustSync(t)
		}
		is, _ := gl.issue(1)
		gl.set(func(f *fakeGitLab) {
			// Bob was assigned; Dora, unknown to GitLab, changed nothing,
			// and the body names her.
			if got := f.assignees[1]; !slices.Equal(got, []int64{42}) || f.creates != 1 || f.edits != 2 || f.userLookups != 3 {
				t.Errorf("after the owner changes: assignee_ids %v, %d creates, %d edits, %d user lookups; want [42], 1, 2, 3",
					got, f.creates, f.edits, f.userLookups)
			}
		})
		if !strings.Contains(is.Body, "@dora") {
			t.Errorf("the issue's body does not name the owner @dora:\n%s", is.Body)
		}
	})
}
