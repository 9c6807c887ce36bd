package sqlstore_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hindsight-sre/hindsight/sqlstore"
)

// TestOpen_SQLiteConcurrentMigration: stores opening the same new SQLite
// file at the same moment, as two processes starting together would, migrate
// it one after the other; none fails with "table already exists".
func TestOpen_SQLiteConcurrentMigration(t *testing.T) {
	t.Parallel()
	for round := 0; round < 5; round++ {
		path := filepath.Join(t.TempDir(), "hindsight.db")
		const n = 4
		errs := make([]error, n)
		var wg, ready sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			ready.Add(1)
			go func() {
				defer wg.Done()
				ready.Done()
				<-start
				s, err := sqlstore.Open(context.Background(), path)
				if err == nil {
					err = s.Close()
				}
				errs[i] = err
			}()
		}
		ready.Wait()
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, store %d: %v", round, i, err)
			}
		}
	}
}
