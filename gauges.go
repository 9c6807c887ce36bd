package hindsight

import (
	"context"
	"time"
)

// StoreGauges are the current counts that Hindsight's own metrics report:
// read at scrape time, so they never lag behind the store.
type StoreGauges struct {
	// OpenIncidents counts the incidents not RESOLVED, by severity.
	OpenIncidents map[Severity]int
	// Documents counts the post-mortems by status: DRAFT ones await their
	// authors, UNDER REVIEW ones their reviewers.
	Documents map[DocumentStatus]int
	// OverdueActions counts the open action items past their due date
	// (ActionItem.Overdue).
	OverdueActions int
}

// GaugeService reads the StoreGauges.
type GaugeService interface {
	// FindStoreGauges counts, in one consistent read, what StoreGauges
	// lists, overdue as of now. Each count is answered from an index.
	// Errors: EUNAVAILABLE.
	FindStoreGauges(ctx context.Context, now time.Time) (*StoreGauges, error)
}
