package tracker_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/tracker"
)

func newJiraEnv(t testing.TB, dsn, instance string, jr *fakeJira, clock *testenv.Clock) *env {
	t.Helper()
	return newEnvRoute(t, dsn, instance, clock, tracker.Route{Name: "platform", Services: []string{"checkout"},
		Adapter: &tracker.Jira{BaseURL: jr.srv.URL, Project: "OPS", IssueType: "Task", Labels: []string{"post-mortem"},
			Username: "sre@example.com", Token: token, WebhookSecret: secret,
			Statuses: map[string]hindsight.ActionStatus{"Won't Do": hindsight.ActionWontDo}}})
}

func TestJira_CreatePushAndLink(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		jr := newFakeJira(t, "OPS", "sre@example.com", token)
		e := newJiraEnv(t, dsn, "a", jr, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Alert on checkout 5xx ≥ 1 %", "")
		e.mustSync(t)
		if l := e.link(t, a.ID); l.State != hindsight.TrackerSynced || l.IssueKey != "OPS-1" || l.IssueURL != jr.srv.URL+"/browse/OPS-1" {
			t.Fatalf("link %+v, want synced to OPS-1", l)
		}
		f := jr.fields(1)
		if f["summary"] != a.Title || f["duedate"] != "2026-03-09" || !strings.Contains(f["description"].(string), "/incidents/INC-1") {
			t.Errorf("issue fields %v", f)
		}
		owner := "@bob"
		if _, err := e.review.UpdateAction(context.Background(), a.ID, hindsight.ActionPatch{Owner: &owner}, e.action(t, a.ID).Version); err != nil {
			t.Fatal(err)
		}
		e.mustSync(t)
		if f := jr.fields(1); !strings.Contains(f["description"].(string), "@bob") || jr.creates != 1 || jr.edits != 1 {
			t.Errorf("after the change: %v, %d creates, %d edits", f, jr.creates, jr.edits)
		}
		// Link an existing issue by its address; its done status comes with it.
		jr.set(func(f *fakeJira) {
			f.issues[2], f.status[2] = map[string]any{"summary": "older"}, [2]string{"Closed", "done"}
		})
		b := e.addAction(t, "INC-1", "Already tracked", jr.srv.URL+"/browse/OPS-2")
		e.mustSync(t)
		if l := e.link(t, b.ID); l.IssueKey != "OPS-2" || jr.creates != 1 || e.action(t, b.ID).Status != hindsight.ActionDone {
			t.Errorf("linked: %+v, %d creates, %s", l, jr.creates, e.action(t, b.ID).Status)
		}
	})
}

func jiraWebhook(t *testing.T, url, file, key string) int {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestJira_Webhook(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		jr := newFakeJira(t, "OPS", "sre@example.com", token)
		e := newJiraEnv(t, dsn, "a", jr, testenv.NewClock(start))
		e.addIncident(t, "INC-1", "checkout")
		a := e.addAction(t, "INC-1", "Add a canary stage", "")
		e.mustSync(t)
		url := openServer(t, e.sync)
		v := e.action(t, a.ID).Version
		if st := jiraWebhook(t, url, "jira-issue-updated-done.json", "wrong secret"); st != http.StatusUnauthorized {
			t.Errorf("bad signature: %d, want 401", st)
		}
		if got := e.action(t, a.ID); got.Status != hindsight.ActionOpen || got.Version != v {
			t.Fatalf("after a refused delivery: %s v%d", got.Status, got.Version)
		}
		for _, c := range []struct {
			file string
			want hindsight.ActionStatus
		}{{"jira-issue-updated-done.json", hindsight.ActionDone}, {"jira-issue-updated-reopened.json", hindsight.ActionOpen},
			{"jira-issue-updated-wont-do.json", hindsight.ActionWontDo}} {
			if st := jiraWebhook(t, url, c.file, secret); st != http.StatusNoContent {
				t.Fatalf("%s: %d, want 204", c.file, st)
			}
			if got := e.action(t, a.ID); got.Status != c.want {
				t.Errorf("after %s: %s, want %s", c.file, got.Status, c.want)
			}
		}
	})
}

func TestJira_RetriesAndOutage(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		jr := newFakeJira(t, "OPS", "sre@example.com", token)
		jr.set(func(f *fakeJira) { f.failCreates = 3 })
		clock := testenv.NewClock(start)
		a, b := newJiraEnv(t, dsn, "instance-a", jr, clock), newJiraEnv(t, dsn, "instance-b", jr, clock)
		a.addIncident(t, "INC-1", "checkout")
		first := a.addAction(t, "INC-1", "First", "")
		for i := 1; i <= 4; i++ {
			syncBoth(t, a, b)
			clock.Advance(tracker.Backoff(i))
		}
		if jr.creates != 4 || len(jr.issues) != 1 || a.link(t, first.ID).State != hindsight.TrackerSynced {
			t.Fatalf("500 three times then 201: %d creates, %d issues, %+v", jr.creates, len(jr.issues), a.link(t, first.ID))
		}
		jr.set(func(f *fakeJira) { f.down = true })
		var ids []int64
		for i := range 6 {
			ids = append(ids, []*env{a, b}[i%2].addAction(t, "INC-1", "Action "+string(rune('A'+i)), "").ID)
		}
		for range 60 {
			syncBoth(t, a, b)
			clock.Advance(time.Minute)
		}
		for _, id := range ids {
			if l := b.link(t, id); l.State != hindsight.TrackerPending || !strings.Contains(l.Error, "503") {
				t.Errorf("action %d while down: %+v", id, l)
			}
		}
		down := jr.creates
		jr.set(func(f *fakeJira) { f.down = false })
		for range 12 {
			syncBoth(t, a, b)
			clock.Advance(time.Minute)
		}
		for _, id := range ids {
			if l := a.link(t, id); l.State != hindsight.TrackerSynced {
				t.Errorf("action %d after the outage: %+v", id, l)
			}
		}
		if len(jr.issues) != 1+len(ids) || jr.creates-down != len(ids) {
			t.Errorf("%d issues from %d creates after the outage, want %d: no duplicates", len(jr.issues), jr.creates-down, len(ids))
		}
	})
}

func TestJira_DataCenterBearerToken(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		jr := newFakeJira(t, "OPS", "", token)
		e := newEnvRoute(t, dsn, "a", testenv.NewClock(start), tracker.Route{Name: "platform", Default: true,
			Adapter: &tracker.Jira{BaseURL: jr.srv.URL, Project: "OPS", IssueType: "Task", Token: token, WebhookSecret: secret}})
		e.addIncident(t, "INC-1", "billing")
		a := e.addAction(t, "INC-1", "Rotate the keys", "")
		e.mustSync(t)
		if l := e.link(t, a.ID); l.State != hindsight.TrackerSynced || l.IssueKey != "OPS-1" {
			t.Fatalf("link %+v, want synced to OPS-1 through the default route", l)
		}
	})
}
