package http

import (
	"github.com/hindsight-sre/hindsight"
)

// UIStore is what the web UI reads directly: every store service and the
// dashboard's facts; *sqlstore.Store implements it.
type UIStore interface {
	hindsight.Services
	hindsight.FactsService
}
