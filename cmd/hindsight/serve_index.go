package main

import (
	"time"
)

// DefaultIndexSweep is how often "hindsight serve" looks for search
// documents left queued by a process that died before rebuilding them, or
// by another instance: the store rebuilds its own queue right after each
// commit that fills it.
const DefaultIndexSweep = 10 * time.Second

// startIndexSweep rebuilds queued search documents now (what a killed
// process left) and every DefaultIndexSweep until Close.
func (m *Main) startIndexSweep() {
	m.Store.OnIndexError(func(err error) {
		m.logger().Warn("cannot rebuild queued search documents; will retry", "err", err)
	})
	done := make(chan struct{})
	m.stopIndexSweep = func() { close(done) }
	m.Store.KickIndex()
	go func() {
		ticker := time.NewTicker(DefaultIndexSweep)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				m.Store.KickIndex()
			}
		}
	}()
}

// closeIndexSweep stops the sweep; the store's Close waits for a rebuild
// under way.
func (m *Main) closeIndexSweep() {
	if m.stopIndexSweep != nil {
		m.stopIndexSweep()
		m.stopIndexSweep = nil
	}
}
