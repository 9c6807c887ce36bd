package sqlstore

import (
	"context"
	"fmt"
	"slices"
)

// HoldIndex stops s from rebuilding queued search documents in the
// background, and waits for a pass under way, so that a test can look at
// the queue; ReleaseIndex lets it go on.
func HoldIndex(s *Store) {
	s.indexer.mu.Lock()
	s.indexer.held = true
	s.indexer.mu.Unlock()
	s.indexer.done.Wait()
}

// ReleaseIndex undoes HoldIndex and starts a pass.
func ReleaseIndex(s *Store) {
	s.indexer.mu.Lock()
	s.indexer.held = false
	s.indexer.mu.Unlock()
	s.KickIndex()
}

// SearchDocsAgree fails unless the search documents of ids built together
// (searchDocsOf, the queue's rebuild) are those built one by one
// (searchDocOf, a write's own rebuild).
func SearchDocsAgree(ctx context.Context, s *Store, ids []string) error {
	return s.view(ctx, func(tx *Tx) error {
		many, err := tx.searchDocsOf(ctx, ids)
		if err != nil {
			return err
		}
		if len(many) != len(ids) {
			return fmt.Errorf("%d documents for %d incidents", len(many), len(ids))
		}
		for _, id := range ids {
			one, err := tx.searchDocOf(ctx, id)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(many, func(d searchDoc) bool { return d.seq == one.seq })
			if i < 0 || many[i] != one {
				return fmt.Errorf("incident %s: built together %+v, alone %+v", id, many[max(i, 0)], one)
			}
		}
		return nil
	})
}
