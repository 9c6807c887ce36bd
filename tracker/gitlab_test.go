package tracker_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/fakegithub"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/tracker"
)

const glProject = "gitlab-org/gitlab-test"

// newGitLabEnv opens an instance whose one route sends the actions of
// checkout incidents to gl.
func newGitLabEnv(t testing.TB, dsn, instance string, gl *fakeGitLab, clock *testenv.Clock) *env {
	t.Helper()
	c, err := tracker.NewGitLabClient(gl.srv.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvRoute(t, dsn, instance, clock, tracker.Route{Name: "platform", Services: []string{"checkout"},
		Adapter: &tracker.GitLab{Client: c, Project: glProject, Labels: []string{"post-mortem", "sre"}, WebhookSecret: secret,
			WebHost: strings.TrimPrefix(gl.srv.URL, "http://")}})
}

func TestGitLab_CreateLinksIssueAndPushesChanges(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gl := newFakeGitLab(t, glProject, token)
		e := newGitLabEnv(t, dsn, "a", gl, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Alert on checkout 5xx — “per region”", "")
		e.mustSync(t)
		l := e.link(t, a.ID)
		if l.State != hindsight.TrackerSynced || l.IssueKey != glProject+"#1" || l.IssueURL != gl.htmlURL(1) {
			t.Fatalf("link %+v, want synced to %s#1", l, glProject)
		}
		is, due := gl.issue(1)
		if is.Title != a.Title || due != "2026-03-09" || strings.Join(is.Labels, ",") != "post-mortem,sre" ||
			!strings.Contains(is.Body, "https://hindsight.example.com/incidents/INC-1") {
			t.Errorf("issue %+v due %q", is, due)
		}
		title, due2 := "Alert on checkout 5xx per region", start.AddDate(0, 1, 0)
		if _, err := e.review.UpdateAction(context.Background(), a.ID, hindsight.ActionPatch{Title: &title, DueDate: &due2},
			e.action(t, a.ID).Version); err != nil {
			t.Fatal(err)
		}
		e.mustSync(t)
		if is, due := gl.issue(1); is.Title != title || due != "2026-04-02" || gl.creates != 1 || gl.edits != 1 {
			t.Errorf("after the change: %q due %q, %d creates, %d edits", is.Title, due, gl.creates, gl.edits)
		}
		// Linking an existing issue by its address.
		gl.set(func(f *fakeGitLab) { f.issues[2] = &fakegithub.Issue{Title: "older", State: "closed"} })
		b := e.addAction(t, "INC-1", "Already tracked", gl.htmlURL(2))
		e.mustSync(t)
		if l := e.link(t, b.ID); l.IssueKey != glProject+"#2" || gl.creates != 1 || e.action(t, b.ID).Status != hindsight.ActionDone {
			t.Errorf("linked item: %+v, %d creates, status %s", l, gl.creates, e.action(t, b.ID).Status)
		}
	})
}

// gitlabWebhook posts a recorded delivery with token as X-Gitlab-Token.
func gitlabWebhook(t *testing.T, url, file, tok string) int {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Gitlab-Event", "Issue Hook")
	req.Header.Set("X-Gitlab-Token", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestGitLab_Webhook(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gl := newFakeGitLab(t, glProject, token)
		e := newGitLabEnv(t, dsn, "a", gl, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Add a canary stage", "")
		e.mustSync(t)
		url := openServer(t, e.sync)
		v := e.action(t, a.ID).Version
		for _, tok := range []string{"", "wrong", secret + "x", strings.ToUpper(secret)} {
			if st := gitlabWebhook(t, url, "gitlab-issue-close.json", tok); st != http.StatusUnauthorized {
				t.Errorf("token %q: %d, want 401", tok, st)
			}
		}
		if got := e.action(t, a.ID); got.Status != hindsight.ActionOpen || got.Version != v {
			t.Fatalf("after refused deliveries: %s v%d", got.Status, got.Version)
		}
		for _, c := range []struct {
			file string
			want hindsight.ActionStatus
		}{{"gitlab-issue-close.json", hindsight.ActionDone}, {"gitlab-issue-update.json", hindsight.ActionDone},
			{"gitlab-issue-reopen.json", hindsight.ActionOpen}} {
			if st := gitlabWebhook(t, url, c.file, secret); st != http.StatusNoContent {
				t.Fatalf("%s: %d, want 204", c.file, st)
			}
			if got := e.action(t, a.ID).Status; got != c.want {
				t.Errorf("after %s: %s, want %s", c.file, got, c.want)
			}
		}
	})
}

func TestGitLab_RetriesAndOutage(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gl := newFakeGitLab(t, glProject, token)
		gl.set(func(f *fakeGitLab) { f.failCreates = 3 })
		clock := testenv.NewClock(start)
		a, b := newGitLabEnv(t, dsn, "instance-a", gl, clock), newGitLabEnv(t, dsn, "instance-b", gl, clock)
		a.addIncident(t, "INC-1", "checkout")
		first := a.addAction(t, "INC-1", "First", "")
		for i := 1; i <= 4; i++ {
			syncBoth(t, a, b)
			clock.Advance(tracker.Backoff(i))
		}
		if gl.creates != 4 || len(gl.issues) != 1 || a.link(t, first.ID).State != hindsight.TrackerSynced {
			t.Fatalf("500 three times then 201: %d creates, %d issues, %+v", gl.creates, len(gl.issues), a.link(t, first.ID))
		}
		gl.set(func(f *fakeGitLab) { f.down = true })
		var ids []int64
		for i := range 6 {
			ids = append(ids, []*env{a, b}[i%2].addAction(t, "INC-1", "Action "+string(rune('A'+i)), "").ID)
		}
		for range 60 {
			syncBoth(t, a, b)
			clock.Advance(time.Minute)
		}
		for _, id := range ids {
			if l := b.link(t, id); l.State != hindsight.TrackerPending || !strings.Contains(l.Error, "502") {
				t.Errorf("action %d while down: %+v", id, l)
			}
		}
		down := gl.creates
		gl.set(func(f *fakeGitLab) { f.down = false })
		for range 12 {
			syncBoth(t, a, b)
			clock.Advance(time.Minute)
		}
		for _, id := range ids {
			if l := a.link(t, id); l.State != hindsight.TrackerSynced {
				t.Errorf("action %d after the outage: %+v", id, l)
			}
		}
		if len(gl.issues) != 1+len(ids) || gl.creates-down != len(ids) {
			t.Errorf("%d issues from %d creates after the outage, want %d: no duplicates", len(gl.issues), gl.creates-down, len(ids))
		}
	})
}
