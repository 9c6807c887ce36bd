package main

import (
	hhttp "github.com/hindsight-sre/hindsight/http"
)

// registerMetrics adds the program's own metrics to the server's /metrics:
// its build, the store's current counts read at scrape time, and the
// store's connection pools.
func (m *Main) registerMetrics(s *hhttp.Server) {
	s.RegisterBuildInfo(version, buildRevision())
	s.RegisterStoreMetrics(m.Store, m.Store.Pools())
}
