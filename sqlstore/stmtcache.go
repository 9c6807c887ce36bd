package sqlstore

import (
	"context"
	"database/sql"
)

// Statements prepared once per transaction. The SQLite driver otherwise
// parses and plans every statement at every call, which costs more than
// running it; a batch of webhook notifications runs the same few statements
// thousands of times in one transaction. PostgreSQL's driver already caches
// prepared statements per connection, so there the plain calls are used.
const (
	// maxTxStatements bounds the statements one transaction keeps prepared.
	maxTxStatements = 64
	// maxCachedQuery is the longest query kept: longer ones are bulk
	// statements whose text varies.
	maxCachedQuery = 4096
)

// prepared returns q prepared in the transaction, or nil when it is not
// kept (then the caller runs q directly, which also reports any error that
// preparing it would have).
func (tx *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	if tx.d.dollar || len(q) > maxCachedQuery {
		return nil
	}
	if st, ok := tx.stmts[q]; ok {
		return st
	}
	if len(tx.stmts) >= maxTxStatements {
		return nil
	}
	st, err := tx.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if tx.stmts == nil {
		tx.stmts = make(map[string]*sql.Stmt)
	}
	tx.stmts[q] = st // closed by database/sql when the transaction ends
	return st
}
