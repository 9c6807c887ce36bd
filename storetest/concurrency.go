package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// workers is how many goroutines race in the concurrency tests.
const workers = 8

func testConcurrency(t *testing.T, open OpenFunc) {
	t.Run("AppendEvents", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Busy"))
		const each = 10
		runWorkers(t, func(w int) error {
			for i := 0; i < each; i++ {
				ev := NewEvent(inc.ID, T0.Add(time.Duration(w*each+i)*time.Second), fmt.Sprintf("w%d-%d", w, i))
				if err := s.AddTimelineEvent(context.Background(), ev); err != nil {
					return err
				}
			}
			return nil
		})
		got, err := s.FindTimeline(context.Background(), inc.ID)
		ok(t, err)
		if len(got) != workers*each {
			t.Fatalf("timeline has %d events, want %d", len(got), workers*each)
		}
		res, n, err := s.Search(context.Background(), hindsight.SearchQuery{Text: "w3"})
		ok(t, err)
		if n != 1 || len(res) != 1 {
			t.Fatalf("search index lost events: %d results", n)
		}
	})
	t.Run("UpdateSameIncident", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Contended"))
		runWorkers(t, func(w int) error { return addLabel(s, inc.ID, fmt.Sprintf("w%d", w)) })
		got, err := s.FindIncidentByID(context.Background(), inc.ID)
		ok(t, err)
		if got.Version != 1+workers || len(got.Labels) != 2+workers {
			t.Fatalf("version %d, labels %v: updates were lost", got.Version, got.Labels)
		}
	})
	t.Run("DuplicateNotifications", func(t *testing.T) {
		s := open(t)
		var mu sync.Mutex
		recorded := 0
		runWorkers(t, func(w int) error {
			err := s.RecordNotification(context.Background(), &hindsight.AlertNotification{Fingerprint: "same", ReceivedAt: T0})
			if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
				return nil
			}
			mu.Lock()
			recorded++
			mu.Unlock()
			return err
		})
		if recorded != 1 {
			t.Fatalf("recorded %d times, want 1", recorded)
		}
	})
}

// addLabel is a read-modify-write that retries on a stale version, as a
// client of the API would.
func addLabel(s hindsight.Store, id, key string) error {
	for attempt := 0; attempt < 100; attempt++ {
		inc, err := s.FindIncidentByID(context.Background(), id)
		if err != nil {
			return err
		}
		inc.Labels[key] = "1"
		err = s.UpdateIncident(hindsight.NewContextWithActor(context.Background(), key), inc, inc.Version)
		if hindsight.ErrorCode(err) != hindsight.ECONFLICT {
			return err
		}
	}
	return fmt.Errorf("%s: too many conflicts", key)
}

func runWorkers(t *testing.T, fn func(w int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			errs <- fn(w)
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		ok(t, err)
	}
}
