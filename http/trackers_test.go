package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/tracker"
)

// TestActionList_TrackerState checks that the action list, in the API and
// in the UI, shows each item's tracker state: synced with its issue,
// pending or failed with the error, nothing for an item no tracker takes.
func TestActionList_TrackerState(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		e := mustOpenUIOn(t, store, func(s *hhttp.Server) { s.Trackers = &tracker.Service{Store: store} })
		ctx := context.Background()
		ids := map[string]int64{}
		for _, title := range []string{"synced", "failed", "pending", "none"} {
			a := &hindsight.ActionItem{Title: "Action " + title, Owner: "@o", Verification: "v"}
			if err := e.srv.Review.CreateAction(ctx, e.incident, a); err != nil {
				t.Fatal(err)
			}
			ids[title] = a.ID
		}
		jobs, err := store.ClaimTrackerJobs(ctx, "test", 10, time.Minute)
		if err != nil || len(jobs) != 4 {
			t.Fatalf("claim: %d jobs, %v", len(jobs), err)
		}
		gen := func(id int64) int64 {
			for _, j := range jobs {
				if j.Action.ID == id {
					return j.Generation
				}
			}
			return 0
		}
		for _, o := range []hindsight.TrackerOutcome{
			{ActionID: ids["synced"], Tracker: "platform", IssueKey: "acme/platform#12", IssueURL: "https://github.com/acme/platform/issues/12"},
			{ActionID: ids["failed"], Tracker: "platform", Err: "github: POST /repos/acme/platform/issues: 410 Issues are disabled <for this repo>", Permanent: true},
			{ActionID: ids["pending"], Tracker: "platform", Err: "github: POST /repos/acme/platform/issues: 503 Service Unavailable", RetryAt: time.Now().Add(time.Minute)},
			{ActionID: ids["none"], None: true},
		} {
			o.Generation = gen(o.ActionID)
			if err := store.FinishTrackerJob(ctx, "test", o); err != nil {
				t.Fatal(err)
			}
		}

		req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/actions?limit=10", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleViewer])
		_, body := mustDo(t, http.DefaultClient, req)
		var list struct {
			Items []hindsight.ActionItem `json:"items"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		got := map[string]*hindsight.TrackerLink{}
		for _, a := range list.Items {
			got[strings.TrimPrefix(a.Title, "Action ")] = a.Tracker
		}
		if l := got["synced"]; l == nil || l.State != hindsight.TrackerSynced || l.IssueKey != "acme/platform#12" {
			t.Errorf("synced item: %+v", l)
		}
		if l := got["failed"]; l == nil || l.State != hindsight.TrackerFailed || !strings.Contains(l.Error, "410") {
			t.Errorf("failed item: %+v", l)
		}
		if l := got["pending"]; l == nil || l.State != hindsight.TrackerPending || !strings.Contains(l.Error, "503") {
			t.Errorf("pending item: %+v", l)
		}
		if l := got["none"]; l != nil {
			t.Errorf("item for no tracker shows %+v, want no tracker", l)
		}

		b := e.signedIn(t, hindsight.RoleViewer)
		resp, page := b.get("/actions")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/actions: %d", resp.StatusCode)
		}
		for _, want := range []string{
			`<span class="badge tracker-synced">synced</span> <a href="https://github.com/acme/platform/issues/12" rel="noopener noreferrer">acme/platform#12</a>`,
			`<span class="badge tracker-failed">failed</span>`, "410 Issues are disabled &lt;for this repo&gt;",
			`<span class="badge tracker-pending">pending</span>`, "503 Service Unavailable",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("/actions lacks %q", want)
			}
		}

		// Retry: an editor queues a failed item again.
		req, _ = http.NewRequest(http.MethodPost, e.url+"/api/v1/actions/"+strconv.FormatInt(ids["failed"], 10)+"/tracker/retry", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleEditor])
		resp, body = mustDo(t, http.DefaultClient, req)
		var l hindsight.TrackerLink
		if err := json.Unmarshal(body, &l); resp.StatusCode != http.StatusAccepted || err != nil || l.State != hindsight.TrackerPending {
			t.Errorf("retry: %d %s, want 202 and pending", resp.StatusCode, body)
		}
		req, _ = http.NewRequest(http.MethodPost, e.url+"/api/v1/actions/999999/tracker/retry", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleEditor])
		if resp, _ = mustDo(t, http.DefaultClient, req); resp.StatusCode != http.StatusNotFound {
			t.Errorf("retry of a missing item: %d, want 404", resp.StatusCode)
		}
	})
}
