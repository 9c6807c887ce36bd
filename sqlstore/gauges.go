package sqlstore

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var _ hindsight.GaugeService = (*Store)(nil)

// FindStoreGauges counts open incidents by severity (index incidents_status),
// documents by status (documents_by_status, migration 00014) and overdue
// action items (action_items_status) in one read transaction.
func (s *Store) FindStoreGauges(ctx context.Context, now time.Time) (*hindsight.StoreGauges, error) {
	g := &hindsight.StoreGauges{OpenIncidents: map[hindsight.Severity]int{}, Documents: map[hindsight.DocumentStatus]int{}}
	err := s.view(ctx, func(tx *Tx) error {
		if err := tx.countBy(ctx, "SELECT severity, COUNT(*) FROM incidents WHERE status <> ? GROUP BY severity",
			func(k string, n int) { g.OpenIncidents[hindsight.Severity(k)] = n }, string(hindsight.IncidentResolved)); err != nil {
			return err
		}
		if err := tx.countBy(ctx, "SELECT status, COUNT(*) FROM documents GROUP BY status",
			func(k string, n int) { g.Documents[hindsight.DocumentStatus(k)] = n }); err != nil {
			return err
		}
		// ActionItem.Overdue: open, and now is after the due date's whole day.
		n, err := tx.count(ctx, "SELECT COUNT(*) FROM action_items WHERE status IN (?, ?) AND due_date IS NOT NULL AND due_date < ?",
			string(hindsight.ActionOpen), string(hindsight.ActionInProgress), ts(now.AddDate(0, 0, -1)))
		g.OverdueActions = n
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// countBy runs a "SELECT key, COUNT(*) … GROUP BY key" query and hands each
// row to set.
func (tx *Tx) countBy(ctx context.Context, q string, set func(key string, n int), args ...any) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	return eachRow(tx, rows, func(sc scanner) error {
		var k string
		var n int
		if err := sc.Scan(&k, &n); err != nil {
			return err
		}
		set(k, n)
		return nil
	})
}
