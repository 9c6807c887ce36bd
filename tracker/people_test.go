package tracker_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/github"
	"github.com/hindsight-sre/hindsight/internal/fakegithub"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/tracker"
)

// TestGitHub_TeamRouteAndAssignee routes by the owner's team in the
// directory of people and assigns the issue to the owner's handle.
func TestGitHub_TeamRouteAndAssignee(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, dsn string) {
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
