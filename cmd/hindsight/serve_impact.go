package main

import (
	"github.com/hindsight-sre/hindsight/impact"
)

// newImpact builds the impact service: the HTTP server runs it for
// POST /api/v1/incidents/{id}/impact, the impact worker on every pass.
func (m *Main) newImpact() *impact.Service {
	svc := impact.New(m.Config, m.Store, m.Now)
	svc.Log = m.logger()
	return svc
}
