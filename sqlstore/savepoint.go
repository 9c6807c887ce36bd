package sqlstore

import (
	"context"
	"errors"
	"maps"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

var _ hindsight.Savepointer = (*Tx)(nil)

// Savepoint runs fn inside a SAVEPOINT of the transaction (both engines
// support SAVEPOINT, RELEASE and ROLLBACK TO). When fn fails, only its
// changes are rolled back, including its marks of stale search documents,
// its memos of the row locks it took and the incidents it created, the
// revisions it noted and the rows it held (deferred.go), and its error is
// returned; the transaction goes on.
// When the savepoint itself cannot be taken or rolled back, the transaction
// is broken: the error is returned and the transaction will not commit.
func (tx *Tx) Savepoint(ctx context.Context, fn func(tx hindsight.Services) error) error {
	if tx.broken != nil {
		return tx.broken
	}
	// ROLLBACK TO and RELEASE act on the most recent savepoint of a name.
	// On SQLite one name serves every savepoint, released when fn
	// succeeds: it is this one even when fn nests others, and the three
	// statements stay prepared (stmtcache.go). On PostgreSQL, where each
	// statement is a round trip, a savepoint whose fn succeeded is left
	// for the COMMIT to release with the transaction (keepSavepoints): a
	// batch of 48 notifications, each in a savepoint, saves 48 round
	// trips. Each savepoint then has a name of its own, since fn's may be
	// left open too.
	name := "hindsight_sp"
	if tx.d.keepSavepoints {
		tx.savepoints++
		name += "_" + strconv.Itoa(tx.savepoints)
	}
	if _, err := tx.exec(ctx, "SAVEPOINT "+name); err != nil {
		tx.broken = err
		return err
	}
	// pending is capped so that fn's appends copy it: on rollback it is
	// what to write still, even if fn flushed it inside the savepoint.
	// The held rows alike (deferred.go).
	pending := tx.pending[:len(tx.pending):len(tx.pending)]
	var held [heldTables][]any
	for t, args := range tx.held {
		held[t] = args[:len(args):len(args)]
	}
	dirty, locked, fresh := maps.Clone(tx.dirty), maps.Clone(tx.locked), maps.Clone(tx.fresh)
	if err := fn(tx); err != nil {
		tx.dirty, tx.locked, tx.fresh, tx.pending, tx.held = dirty, locked, fresh, pending, held
		if _, rerr := tx.exec(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			tx.broken = rerr
			return errors.Join(err, rerr)
		}
		if _, rerr := tx.exec(ctx, "RELEASE SAVEPOINT "+name); rerr != nil {
			tx.broken = rerr
			return errors.Join(err, rerr)
		}
		return err
	}
	if tx.d.keepSavepoints {
		return nil
	}
	if _, err := tx.exec(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		tx.broken = err
		return err
	}
	return nil
}
