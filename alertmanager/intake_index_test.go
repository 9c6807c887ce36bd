package alertmanager_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestIntake_SearchAfterCommit: the intake leaves search indexing until
// after its commit. Two instances sharing one store (an Alertmanager HA
// pair) receive the same notifications of a group at once; once the queue
// drains, the one incident they made is found by its alert name and by a
// word of an alert's timeline event, and nothing stays queued.
func TestIntake_SearchAfterCommit(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		pair := []*intakeFixture{newFixture(t, dsn), newFixture(t, dsn)}
		for _, name := range sequence {
			var wg sync.WaitGroup
			for _, f := range pair {
				raw, msg := payload(t, name)
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := f.intake.Ingest(context.Background(), raw, msg); err != nil {
						t.Errorf("%s: %v", name, err)
					}
				}()
			}
			wg.Wait()
		}
		inc := pair[0].only(t)
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			n, _, err := pair[1].store.IndexQueueLength(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d incidents still queued for indexing after 30 s", n)
			}
		}
		for _, text := range []string{"HighAPIErrorRate", "resolved"} {
			got, n, err := pair[1].store.Search(context.Background(), hindsight.SearchQuery{Text: text})
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 || len(got) != 1 || got[0].IncidentID != inc.ID {
				t.Errorf("search %q: %d results %v, want %s alone", text, n, got, inc.ID)
			}
		}
	})
}
