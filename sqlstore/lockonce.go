package sqlstore

import "context"

// lockIncidentOnce takes an incident's row lock unless this transaction
// already holds it: a notification of 500 alerts writes 1,000 rows of one
// incident. Savepoint forgets the locks taken inside a savepoint it rolls
// back, since PostgreSQL releases them.
func (tx *Tx) lockIncidentOnce(ctx context.Context, id string) error {
	if tx.locked[id] {
		return nil
	}
	if _, _, err := tx.lockIncident(ctx, id); err != nil {
		return err
	}
	tx.markLocked(id)
	return nil
}

// markLocked notes that the transaction holds an incident's row lock.
func (tx *Tx) markLocked(id string) {
	if tx.locked == nil {
		tx.locked = map[string]bool{}
	}
	tx.locked[id] = true
}
