package tracker_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/github"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/fakegithub"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/tracker"
)

const (
	repo   = "Codertocat/Hello-World"
	token  = "ghs_test-token"
	secret = "It's a Secret to Everybody"
)

var start = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// env is one Hindsight instance: a store, the review workflow and the
// tracker sync, on a test clock.
type env struct {
	store  *sqlstore.Store
	review *review.Service
	sync   *tracker.Service
	clock  *testenv.Clock
}

// newEnv opens an instance on dsn whose one route sends the actions of
// checkout incidents to gh.
func newEnv(t testing.TB, dsn, instance string, gh *fakegithub.Server, clock *testenv.Clock) *env {
	t.Helper()
	c, err := github.NewClient(gh.APIURL(), token, nil)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvRoute(t, dsn, instance, clock, tracker.Route{Name: "platform", Services: []string{"checkout"}, Adapter: &tracker.GitHub{
		Client: c, Repository: repo, Labels: []string{"post-mortem"}, WebhookSecret: secret, WebHost: github.WebHost(gh.APIURL())}})
}

// newEnvRoute opens an instance on dsn with one route.
func newEnvRoute(t testing.TB, dsn, instance string, clock *testenv.Clock, r tracker.Route) *env {
	t.Helper()
	s := teststore.Open(t, dsn)
	s.Now = clock.Now
	rv := review.NewService(s, hindsight.SignOffPolicy{})
	rv.Now = clock.Now
	sync := &tracker.Service{Store: s, Actions: rv, BaseURL: "https://hindsight.example.com", Instance: instance, Now: clock.Now,
		Routes: []tracker.Route{r}}
	return &env{store: s, review: rv, sync: sync, clock: clock}
}

// addIncident stores an incident of service.
func (e *env) addIncident(t testing.TB, id, service string) {
	t.Helper()
	inc := &hindsight.Incident{ID: id, Title: "Checkout errors", Severity: hindsight.SEV2,
		Status: hindsight.IncidentInvestigating, StartedAt: start.Add(-time.Hour), Services: []string{service}}
	if err := e.store.CreateIncident(context.Background(), inc); err != nil {
		t.Fatal(err)
	}
}

// addAction adds an action item through the review workflow.
func (e *env) addAction(t testing.TB, incident, title, trackerURL string) *hindsight.ActionItem {
	t.Helper()
	a := &hindsight.ActionItem{Title: title, Owner: "@alice", Verification: "the alert stays quiet for a week", TrackerURL: trackerURL}
	if err := e.review.CreateAction(context.Background(), incident, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) link(t testing.TB, id int64) *hindsight.TrackerLink {
	t.Helper()
	links, err := e.store.FindTrackerLinks(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	if links[id] == nil {
		t.Fatalf("action %d has no tracker link", id)
	}
	return links[id]
}

func (e *env) action(t testing.TB, id int64) *hindsight.ActionItem {
	t.Helper()
	a, err := e.store.FindActionItemByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) mustSync(t testing.TB) int {
	t.Helper()
	n, err := e.sync.Sync(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return n
}

func TestGitHub_CreateLinksIssueAndPushesChanges(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gh := fakegithub.New(t, repo, token)
		e := newEnv(t, dsn, "a", gh, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		e.addIncident(t, "INC-2", "billing") // no route: no issue
		a := e.addAction(t, "INC-1", "Alert on checkout 5xx ≥ 1 % — “per region”", "")
		other := e.addAction(t, "INC-2", "Billing runbook", "")
		if l := e.link(t, a.ID); l.State != hindsight.TrackerPending {
			t.Fatalf("before the first pass: state %q, want pending", l.State)
		}
		if n := e.mustSync(t); n != 2 {
			t.Errorf("first pass settled %d items, want 2 (one synced, one for no tracker)", n)
		}
		l := e.link(t, a.ID)
		if l.State != hindsight.TrackerSynced || l.IssueKey != repo+"#1" || l.IssueURL != gh.HTMLURL(1) || l.Tracker != "platform" || l.Error != "" {
			t.Fatalf("link %+v, want synced to %s#1 at %s", l, repo, gh.HTMLURL(1))
		}
		if got := e.action(t, a.ID); got.TrackerURL != gh.HTMLURL(1) || got.Version != 2 {
			t.Errorf("action tracker_url %q version %d, want the issue's URL at version 2", got.TrackerURL, got.Version)
		}
		is := gh.Issue(1)
		if is.Title != a.Title || len(is.Labels) != 1 || is.Labels[0] != "post-mortem" {
			t.Errorf("issue %+v: want the action's title and the route's label", is)
		}
		for _, want := range []string{"https://hindsight.example.com/incidents/INC-1", "@alice", "2026-03-09", "the alert stays quiet"} {
			if !strings.Contains(is.Body, want) {
				t.Errorf("issue body lacks %q:\n%s", want, is.Body)
			}
		}
		if l := e.link(t, other.ID); l.State != hindsight.TrackerNone || l.IssueKey != "" {
			t.Errorf("billing action: %+v, want state none without issue", l)
		}

		// A change of title, owner and due date is pushed; the issue is not created again.
		title, owner, due := "Alert on checkout 5xx per region", "@bob", start.AddDate(0, 0, 20)
		if _, err := e.review.UpdateAction(context.Background(), a.ID, hindsight.ActionPatch{Title: &title, Owner: &owner, DueDate: &due}, 2); err != nil {
			t.Fatal(err)
		}
		if l := e.link(t, a.ID); l.State != hindsight.TrackerPending {
			t.Errorf("after the change: %q, want pending", l.State)
		}
		e.mustSync(t)
		is = gh.Issue(1)
		if is.Title != title || !strings.Contains(is.Body, "@bob") || !strings.Contains(is.Body, "2026-03-22") {
			t.Errorf("issue after the change: %q\n%s", is.Title, is.Body)
		}
		if gh.Creates != 1 || gh.Edits != 1 {
			t.Errorf("%d creates and %d edits, want 1 and 1", gh.Creates, gh.Edits)
		}
		if l := e.link(t, a.ID); l.State != hindsight.TrackerSynced {
			t.Errorf("after the push: %q, want synced", l.State)
		}
		// A status change alone sends nothing.
		st := hindsight.ActionInProgress
		if _, err := e.review.UpdateAction(context.Background(), a.ID, hindsight.ActionPatch{Status: &st}, 3); err != nil {
			t.Fatal(err)
		}
		e.mustSync(t)
		if gh.Creates != 1 || gh.Edits != 1 {
			t.Errorf("a status change sent requests: %d creates, %d edits", gh.Creates, gh.Edits)
		}
	})
}

// webhook posts a recorded payload to the server, signed with sig ("" for
// the payload's correct signature).
func webhook(t *testing.T, url, file, sig string) int {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if sig == "" {
		sig = github.Sign(secret, body)
	}
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	req.Header.Set("X-Hub-Signature-256", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func openServer(t *testing.T, sync hhttp.TrackerSync) string {
	t.Helper()
	s := hhttp.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Trackers = sync
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.URL() + "/api/v1/trackers/platform/webhook"
}

func TestGitHub_Webhook(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gh := fakegithub.New(t, repo, token)
		e := newEnv(t, dsn, "a", gh, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Add a canary stage", "")
		e.mustSync(t)
		url := openServer(t, e.sync)
		before := e.action(t, a.ID)

		t.Run("BadSignature401", func(t *testing.T) {
			body, _ := os.ReadFile("testdata/github-issues-closed-completed.json")
			for _, sig := range []string{"sha256=" + strings.Repeat("0", 64), github.Sign("another secret", body), "sha1=abc", "garbage"} {
				if st := webhook(t, url, "github-issues-closed-completed.json", sig); st != http.StatusUnauthorized {
					t.Errorf("signature %q: status %d, want 401", sig, st)
				}
			}
			if got := e.action(t, a.ID); got.Status != hindsight.ActionOpen || got.Version != before.Version {
				t.Errorf("after refused deliveries: %s at version %d, want open at %d", got.Status, got.Version, before.Version)
			}
		})
		t.Run("ClosedCompletedDone", func(t *testing.T) {
			if st := webhook(t, url, "github-issues-closed-completed.json", ""); st != http.StatusNoContent {
				t.Fatalf("status %d, want 204", st)
			}
			got := e.action(t, a.ID)
			if got.Status != hindsight.ActionDone || got.CompletedAt == nil {
				t.Errorf("after closed as completed: %s (completed %v), want done", got.Status, got.CompletedAt)
			}
			revs, _, err := e.store.FindRevisions(context.Background(), hindsight.RevisionFilter{IncidentID: "INC-1"})
			if err != nil {
				t.Fatal(err)
			}
			var by []string
			for _, r := range revs {
				if r.Entity == hindsight.EntityAction && len(r.Before) > 0 && slices.Contains(r.Fields, "status") {
					by = append(by, r.Actor)
				}
			}
			if len(by) != 1 || by[0] != "github:Codertocat" {
				t.Errorf("status changes recorded by %v, want one by github:Codertocat", by)
			}
		})
		t.Run("EditedIgnored", func(t *testing.T) {
			v := e.action(t, a.ID).Version
			if st := webhook(t, url, "github-issues-edited.json", ""); st != http.StatusNoContent {
				t.Fatalf("status %d, want 204", st)
			}
			if got := e.action(t, a.ID); got.Version != v {
				t.Errorf("an edited delivery changed the action (version %d → %d)", v, got.Version)
			}
		})
		t.Run("ReopenedOpen", func(t *testing.T) {
			if st := webhook(t, url, "github-issues-reopened.json", ""); st != http.StatusNoContent {
				t.Fatalf("status %d, want 204", st)
			}
			if got := e.action(t, a.ID); got.Status != hindsight.ActionOpen || got.CompletedAt != nil {
				t.Errorf("after reopened: %s, want open without completion", got.Status)
			}
		})
		t.Run("NotPlannedWontDo", func(t *testing.T) {
			if st := webhook(t, url, "github-issues-closed-not-planned.json", ""); st != http.StatusNoContent {
				t.Fatalf("status %d, want 204", st)
			}
			got := e.action(t, a.ID)
			if got.Status != hindsight.ActionWontDo || !strings.Contains(got.StatusReason, repo+"#1") {
				t.Errorf("after not planned: %s (%q), want wont_do naming the issue", got.Status, got.StatusReason)
			}
		})
		t.Run("UnknownTracker404", func(t *testing.T) {
			st := webhook(t, strings.Replace(url, "/platform/", "/nope/", 1), "github-issues-closed-completed.json", "")
			if st != http.StatusNotFound {
				t.Errorf("status %d, want 404", st)
			}
		})
	})
}

func TestGitHub_RetriedCreateMakesOneIssue(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gh := fakegithub.New(t, repo, token)
		gh.Set(func(f *fakegithub.Server) { f.FailCreates = 3 })
		clock := testenv.NewClock(start)
		e := newEnv(t, dsn, "a", gh, clock)
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Raise the pool size", "")
		for i := 1; i <= 3; i++ {
			if n := e.mustSync(t); n != 0 {
				t.Fatalf("pass %d settled %d items while the tracker answers 500", i, n)
			}
			l := e.link(t, a.ID)
			if l.State != hindsight.TrackerPending || !strings.Contains(l.Error, "500") || l.Attempts != i {
				t.Fatalf("after failure %d: %+v, want pending with the 500 and %d attempts", i, l, i)
			}
			// Not due before its backoff: nothing is sent.
			e.mustSync(t)
			if gh.Creates != i {
				t.Fatalf("%d creates after failure %d and an early pass, want %d", gh.Creates, i, i)
			}
			clock.Advance(tracker.Backoff(i))
		}
		if n := e.mustSync(t); n != 1 {
			t.Fatalf("fourth pass settled %d, want 1", n)
		}
		for range 3 {
			clock.Advance(time.Hour)
			e.mustSync(t)
		}
		if gh.Creates != 4 || len(gh.Issues) != 1 {
			t.Errorf("%d create requests, %d issues; want 4 requests and one issue", gh.Creates, len(gh.Issues))
		}
		if l := e.link(t, a.ID); l.State != hindsight.TrackerSynced || l.IssueKey != repo+"#1" || l.Attempts != 0 || l.Error != "" {
			t.Errorf("link %+v, want synced to #1 with the error cleared", l)
		}
	})
}
