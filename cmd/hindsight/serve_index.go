package main

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight/worker"
)

// DefaultIndexSweep is how often "hindsight serve" looks for search
// documents left queued by a process that died before rebuilding them, or
// by another instance: the store rebuilds its own queue right after each
// commit that fills it.
const DefaultIndexSweep = 10 * time.Second

// workerIndexSweep names the sweep among the workers.
const workerIndexSweep = "index_sweep"

// startIndexSweep rebuilds queued search documents now (what a killed
// process left) and every DefaultIndexSweep until Close. The rebuild
// itself runs in the store's background; its failures are logged here.
func (m *Main) startIndexSweep() {
	m.Store.OnIndexError(func(err error) {
		m.logger().Warn("cannot rebuild queued search documents; will retry", "err", err)
	})
	m.startWorker(worker.Task{Name: workerIndexSweep, Interval: DefaultIndexSweep, Run: func(context.Context) (int, error) {
		m.Store.KickIndex()
		return 0, nil
	}})
}
