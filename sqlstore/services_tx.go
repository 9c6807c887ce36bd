package sqlstore

import (
	"context"

	"github.com/hindsight-sre/hindsight"
)

// The Store offers every service of hindsight.Services, each call in a
// transaction of its own; these are the ones written for transactions first.
var _ hindsight.Store = (*Store)(nil)

// UpsertAlertStates stores alert states in one transaction
// (Tx.UpsertAlertStates).
func (s *Store) UpsertAlertStates(ctx context.Context, states []*hindsight.AlertState) (changed []bool, err error) {
	err = s.update(ctx, func(tx *Tx) error { changed, err = tx.UpsertAlertStates(ctx, states); return err })
	return changed, err
}

// AddTimelineEvents appends events in one transaction (Tx.AddTimelineEvents).
func (s *Store) AddTimelineEvents(ctx context.Context, events []*hindsight.TimelineEvent) error {
	return s.update(ctx, func(tx *Tx) error { return tx.AddTimelineEvents(ctx, events) })
}

// SaveImportSource records src in one transaction (Tx.SaveImportSource).
func (s *Store) SaveImportSource(ctx context.Context, src *ImportSource) error {
	return s.update(ctx, func(tx *Tx) error { return tx.SaveImportSource(ctx, src) })
}

// Savepoint runs fn in a transaction of its own: outside a transaction, a
// savepoint is one. fn's changes commit when it returns nil and roll back
// otherwise.
func (s *Store) Savepoint(ctx context.Context, fn func(tx hindsight.Services) error) error {
	return s.WithTx(ctx, fn)
}

// DeferIndex does nothing: each write of the Store is its own transaction
// and indexes as it commits.
func (s *Store) DeferIndex() {}

// DeferWrites does nothing: each write of the Store is its own transaction
// and writes its rows as it goes.
func (s *Store) DeferWrites() {}
