package tracker_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/fakegithub"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// syncBoth runs one pass on each instance at once.
func syncBoth(t *testing.T, es ...*env) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(es))
	for i, e := range es {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.sync.Sync(context.Background())
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
	}
}

func TestGitHub_TrackerDownTwoInstances(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		gh := fakegithub.New(t, repo, token)
		gh.Set(func(f *fakegithub.Server) { f.Down = true })
		clock := testenv.NewClock(start)
		a, b := newEnv(t, dsn, "instance-a", gh, clock), newEnv(t, dsn, "instance-b", gh, clock)
		a.addIncident(t, "INC-1", "checkout")
		var ids []int64
		for i, e := range []*env{a, b, a, b, a, b, a} {
			ids = append(ids, e.addAction(t, "INC-1", "Action "+string(rune('A'+i)), "").ID)
		}
		// An hour down: both instances keep trying, in passes a minute apart.
		for range 60 {
			syncBoth(t, a, b)
			clock.Advance(time.Minute)
		}
		down := gh.Creates
		for _, id := range ids {
			l := b.link(t, id)
			if l.State != hindsight.TrackerPending || !strings.Contains(l.Error, "503") || l.IssueKey != "" {
				t.Errorf("action %d after an hour down: %+v, want pending with the 503", id, l)
			}
		}
		if len(gh.Issues) != 0 || down < 2*len(ids) {
			t.Fatalf("while down: %d issues, %d attempts; want none, and retries", len(gh.Issues), down)
		}
		// Back up: within the longest backoff every item is synced, once.
		gh.Set(func(f *fakegithub.Server) { f.Down = false })
		for range 12 {
			syncBoth(t, a, b)
			clock.Advance(time.Minute)
		}
		keys := map[string]int64{}
		for _, id := range ids {
			l := a.link(t, id)
			if l.State != hindsight.TrackerSynced || l.Error != "" {
				t.Errorf("action %d after the tracker came back: %+v, want synced", id, l)
			}
			if prev, dup := keys[l.IssueKey]; dup {
				t.Errorf("actions %d and %d share issue %s", prev, id, l.IssueKey)
			}
			keys[l.IssueKey] = id
		}
		if len(gh.Issues) != len(ids) || gh.Creates-down != len(ids) {
			t.Errorf("%d issues from %d creates after the outage, want %d of each: no duplicates", len(gh.Issues), gh.Creates-down, len(ids))
		}
	})
}
