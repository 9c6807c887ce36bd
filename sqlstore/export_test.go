package sqlstore

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
