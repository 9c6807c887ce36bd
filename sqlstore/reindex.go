package sqlstore

import (
	"context"
	"maps"
	"slices"
)

// reindexLater marks an incident's search document stale: the transaction
// rebuilds it once, before it commits (see Tx). Write paths call it last and
// return its nil.
func (tx *Tx) reindexLater(incidentID string) error {
	if tx.dirty == nil {
		tx.dirty = map[string]bool{}
	}
	tx.dirty[incidentID] = true
	return nil
}

// reindexDirty rebuilds the search document of every incident marked stale,
// in a few statements (putSearchDocs), and clears the marks. Run it just before COMMIT: the
// incidents' row locks, taken by the writes that marked them, are still
// held.
func (tx *Tx) reindexDirty(ctx context.Context) error {
	if len(tx.dirty) == 0 {
		return nil
	}
	docs := make([]searchDoc, 0, len(tx.dirty))
	for _, id := range slices.Sorted(maps.Keys(tx.dirty)) {
		doc, err := tx.searchDocOf(ctx, id)
		if err != nil {
			return err
		}
		docs = append(docs, doc)
	}
	for len(docs) > 0 {
		n := min(len(docs), maxBatchRows)
		if err := tx.putSearchDocs(ctx, docs[:n]); err != nil {
			return err
		}
		docs = docs[n:]
	}
	tx.dirty = nil
	return nil
}
