package main

import (
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/impact"
)

// wireImpact builds the impact service and hands it to the HTTP server for
// POST /api/v1/incidents/{id}/impact; the impact worker runs it too.
func (m *Main) wireImpact(s *hhttp.Server) {
	m.impact = impact.New(m.Config, m.Store, m.Now)
	m.impact.Log = m.logger()
	s.Impact = m.impact
}
