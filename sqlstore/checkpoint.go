package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// WAL checkpoints off the commit path (SQLite). A checkpoint copies the
// pages committed to the write-ahead log back into the database file.
// SQLite runs one inside the COMMIT that takes the log past 1,000 pages, so
// every few hundred webhooks one batch's answers waited for up to a
// thousand page writes and an fsync. The store also checkpoints from a
// background goroutine, on a connection of the read pool, a moment after
// commits happen: PASSIVE, so that it never waits for, nor blocks, the
// writer or the readers. By the time the log reaches 1,000 pages most of
// them have been copied, and the writer's own checkpoint, kept as the
// backstop that bounds the log, has little left to do before the log
// starts over. (A larger backstop was tried: with 8,192 pages a fresh
// store's first seconds of load were slower, p99 130–210 ms instead of
// 45–55 ms, while the log file grew to its full size.) Closing the last
// connection checkpoints what remains and removes the log, as before.
const (
	// walBackstopPages is the log's size, in pages, at which the writer
	// checkpoints within its COMMIT (SQLite's wal_autocheckpoint, whose
	// default this is).
	walBackstopPages = 1000
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
