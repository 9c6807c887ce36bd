package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// WAL checkpoints off the commit path (SQLite). A checkpoint copies the
// pages committed to the write-ahead log back into the database file. By
// default SQLite runs one inside the COMMIT that takes the log past 1,000
// pages, so every few hundred webhooks one batch's answers waited for a
// thousand page writes and an fsync. The store instead checkpoints from a
// background goroutine, on a connection of the read pool, a moment after
// commits happen: PASSIVE, so that it never waits for, nor blocks, the
// writer or the readers. The writer keeps SQLite's automatic checkpoint
// only as a backstop, at walBackstopPages: if the background pass falls
// behind (or a process writes without one, between its last pass and its
// Close), the log stays bounded, and by then most of its pages have been
// copied, so the backstop has little left to do. Closing the last
// connection checkpoints what remains and removes the log, as before.
const (
	// walBackstopPages is the log's size, in pages, at which the writer
	// checkpoints within its COMMIT (SQLite's wal_autocheckpoint; its
	// default is 1,000).
	walBackstopPages = 8192
	// checkpointDelay is how long after a commit the background pass
	// starts: the commits of that moment share one pass.
	checkpointDelay = 200 * time.Millisecond
)

// checkpointer runs the background checkpoints of a SQLite store.
type checkpointer struct {
	// commits counts the write transactions committed since the last pass.
	commits atomic.Int64
	kick    chan struct{}
	stop    chan struct{}
	stopped sync.Once
	done    sync.WaitGroup
	// passes counts the background checkpoints run (for tests).
	passes atomic.Int64
}

// startCheckpointer starts the background checkpoints of a SQLite store.
func (s *Store) startCheckpointer() {
	c := &checkpointer{kick: make(chan struct{}, 1), stop: make(chan struct{})}
	s.ckpt = c
	c.done.Add(1)
	go s.checkpointLoop(c)
}

// noteCommit tells the checkpointer that a write transaction committed.
func (s *Store) noteCommit() {
	c := s.ckpt
	if c == nil {
		return
	}
	c.commits.Add(1)
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (s *Store) checkpointLoop(c *checkpointer) {
	defer c.done.Done()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointDelay):
		}
		if c.commits.Swap(0) == 0 {
			continue
		}
		s.checkpoint(context.Background())
		c.passes.Add(1)
	}
}

// checkpoint copies what it can of the log into the database file without
// waiting for anyone. A failure is left to the next pass and to the
// writer's backstop.
func (s *Store) checkpoint(ctx context.Context) {
	var busy, logged, copied int
	_ = s.read.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &copied)
}

// stopCheckpointer stops the background checkpoints and waits for a pass
// in progress. A second call (Close twice) does nothing more.
func (s *Store) stopCheckpointer() {
	if c := s.ckpt; c != nil {
		c.stopped.Do(func() { close(c.stop) })
		c.done.Wait()
	}
}
