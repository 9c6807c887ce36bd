package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// Prepared statements (SQLite). The SQLite driver otherwise parses and plans
// every statement at every call, which costs more than running it; a batch
// of webhook notifications runs the same few statements thousands of times.
// A statement a transaction runs is prepared in it the first time and kept
// for the rest of the transaction; before the pool's next transaction
// begins, the store prepares it on the pool (poolStatements), and later
// transactions reuse that: on the write pool's one connection it is parsed
// once for the life of the store, instead of once per transaction (8% of
// the intake's CPU when every batch parsed its statements again). The pool
// keeps the statements used last: multi-row statements, whose text varies
// with their rows, must not crowd out those used all the time. PostgreSQL's
// driver already caches prepared statements per connection, so there the
// plain calls are used.
const (
	// maxTxStatements bounds the statements one transaction keeps prepared.
	maxTxStatements = 64
	// maxPoolStatements bounds the statements a pool keeps prepared.
	maxPoolStatements = 128
	// maxCachedQuery is the longest query kept: longer ones are bulk
	// statements whose text varies.
	maxCachedQuery = 4096
)

// poolStatements are the statements one pool keeps prepared across
// transactions, each on every connection that ran it (database/sql's
// Tx.StmtContext prepares a pool statement on the transaction's connection
// once and reuses it after).
type poolStatements struct {
	mu    sync.Mutex
	stmts map[string]*pooledStmt
	// clock counts the lookups; each statement notes when it was last used.
	clock uint64
	// wanted are the queries transactions prepared for themselves since the
	// last prepareWanted: the pool prepares them before its next transaction
	// begins, when no transaction holds the connection (the write pool has a
	// single one).
	wanted []string
}

// pooledStmt is one statement of a pool: nil for a query that could not be
// prepared (not tried again while it stays in the pool).
type pooledStmt struct {
	st   *sql.Stmt
	used uint64
}

// get returns q's pool statement, or nil after noting q as wanted.
func (p *poolStatements) get(q string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock++
	if e, ok := p.stmts[q]; ok {
		e.used = p.clock
		return e.st
	}
	if len(p.wanted) < maxPoolStatements && !slices.Contains(p.wanted, q) {
		p.wanted = append(p.wanted, q)
	}
	return nil
}

// prepareWanted prepares the wanted queries on db, each in place of the
// statement used longest ago when the pool is full. It runs before a
// transaction of db begins, under its context, since the write pool's one
// connection may be another transaction's until then: a query it could not
// prepare stays wanted when ctx ended.
func (p *poolStatements) prepareWanted(ctx context.Context, db *sql.DB) {
	p.mu.Lock()
	wanted := p.wanted
	p.wanted = nil
	p.mu.Unlock()
	for i, q := range wanted {
		st, err := db.PrepareContext(ctx, q)
		if err != nil && ctx.Err() != nil {
			p.mu.Lock()
			p.wanted = append(p.wanted, wanted[i:]...)
			p.mu.Unlock()
			return
		}
		p.mu.Lock()
		var drop *sql.Stmt
		if _, dup := p.stmts[q]; dup {
			drop = st
		} else {
			if len(p.stmts) >= maxPoolStatements {
				drop = p.evictLocked()
			}
			if p.stmts == nil {
				p.stmts = make(map[string]*pooledStmt)
			}
			p.stmts[q] = &pooledStmt{st: st, used: p.clock}
		}
		p.mu.Unlock()
		if drop != nil {
			// A transaction still using it keeps it open until it ends
			// (database/sql closes a statement once unused).
			_ = drop.Close()
		}
	}
}

// evictLocked removes the statement used longest ago and returns it (nil
// when it had failed to prepare).
func (p *poolStatements) evictLocked() *sql.Stmt {
	oldest, at := "", uint64(0)
	for q, e := range p.stmts {
		if oldest == "" || e.used < at {
			oldest, at = q, e.used
		}
	}
	st := p.stmts[oldest].st
	delete(p.stmts, oldest)
	return st
}

// close closes the pool's statements.
func (p *poolStatements) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.stmts {
		if e.st != nil {
			_ = e.st.Close()
		}
	}
	p.stmts, p.wanted = nil, nil
}

// prepared returns q prepared in the transaction, or nil when it is not
// kept (then the caller runs q directly, which also reports any error that
// preparing it would have).
func (tx *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	if tx.pool == nil || len(q) > maxCachedQuery {
		return nil
	}
	if st, ok := tx.stmts[q]; ok {
		return st
	}
	if len(tx.stmts) >= maxTxStatements {
		return nil
	}
	var st *sql.Stmt
	if parent := tx.pool.get(q); parent != nil {
		// Prepared on this connection by an earlier transaction, or now
		// (a statement that cannot be bound carries its error, which its
		// first call returns, as running q directly would).
		st = tx.tx.StmtContext(ctx, parent)
	} else {
		var err error
		if st, err = tx.tx.PrepareContext(ctx, q); err != nil {
			return nil
		}
	}
	if tx.stmts == nil {
		tx.stmts = make(map[string]*sql.Stmt)
	}
	tx.stmts[q] = st // closed by database/sql when the transaction ends
	return st
}
