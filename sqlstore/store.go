// Package sqlstore is Hindsight's store on SQLite (the default, a file) and
// PostgreSQL (for several instances sharing one store). The logic is written
// once; what differs between the engines lives in a small dialect.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DefaultDSN is the store used when none is configured: a SQLite file in the
// working directory.
const DefaultDSN = "./hindsight.db"

// busyTimeout is how long a SQLite writer waits for another process's write
// lock before giving up with EUNAVAILABLE.
const busyTimeout = 10 * time.Second

// Store implements hindsight.Store over database/sql.
type Store struct {
	// Now is the clock stamped on every record and revision; tests replace
	// it. Times are kept to the microsecond.
	Now func() time.Time
	// ReadTimeout bounds every read transaction whose context has no
	// earlier deadline (DefaultReadTimeout when zero). A request's context
	// ends the read sooner when its client leaves: both engines stop the
	// running statement (SQLite interrupts it, PostgreSQL cancels it).
	ReadTimeout time.Duration
	// ChangesWindow is how long before an incident's impact start
	// FindPostmortem lists reported changes (DefaultChangesWindow when 0).
	ChangesWindow time.Duration

	d *dialect
	// write takes write transactions; read takes read-only ones. On SQLite
	// write has a single connection whose transactions begin IMMEDIATE, so
	// writers queue in Go instead of failing on upgrade; on PostgreSQL both
	// are the same pool.
	write *sql.DB
	read  *sql.DB
	dsn   string
	path  string // the SQLite file, "" on PostgreSQL
	// indexer rebuilds the search documents that deferring transactions
	// queued (searchqueue.go); it lets the writers counted in writers (the
	// write transactions running or waiting to begin) go first.
	indexer indexer
	writers atomic.Int64
	// ckpt checkpoints the SQLite write-ahead log in the background
	// (checkpoint.go); nil on PostgreSQL.
	ckpt *checkpointer
	// writeStmts and readStmts are the statements each pool keeps prepared
	// (stmtcache.go); nil on PostgreSQL.
	writeStmts, readStmts *poolStatements
}

var _ hindsight.Store = (*Store)(nil)

// Open opens the store named by dsn and migrates it: "postgres://…",
// "postgresql://…" or a keyword/value DSN ("host=… dbname=…") is
// PostgreSQL, a path a SQLite file ("" is DefaultDSN; "file:…" is
// accepted). Errors carry the DSN with its password redacted: EINVALID
// for a DSN of no form Hindsight knows (another URL scheme, keyword pairs
// with an unknown key), EUNAVAILABLE when the database cannot be reached,
// opened or written, or was migrated by a newer Hindsight.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if err := checkDSN(dsn); err != nil {
		return nil, err
	}
	var s *Store
	var err error
	if isPostgres(dsn) {
		s, err = openPostgres(ctx, dsn)
	} else {
		var unlock func()
		s, unlock, err = openSQLite(ctx, dsn)
		if unlock != nil {
			defer unlock()
		}
	}
	if err != nil {
		return nil, openError(dsn, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, openError(dsn, err)
	}
	return s, nil
}

func isPostgres(dsn string) bool {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return true
	}
	ok, _ := isKeywordDSN(dsn)
	return ok
}

// Engine returns "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name }

// postgresWriters is how many write transactions are worth running at once
// on PostgreSQL: half of the pool, the rest left to readers.
const postgresWriters = 8

var _ hindsight.ParallelWriter = (*Store)(nil)

// WriteParallelism returns 1 on SQLite, which has a single writer, and
// postgresWriters on PostgreSQL.
func (s *Store) WriteParallelism() int {
	if s.d.dollar {
		return postgresWriters
	}
	return 1
}

func newStore(d *dialect, write, read *sql.DB, dsn string) *Store {
	s := &Store{
		Now:   func() time.Time { return time.Now() },
		d:     d,
		write: write,
		read:  read,
		dsn:   dsn,
	}
	if !d.dollar {
		s.writeStmts, s.readStmts = &poolStatements{}, &poolStatements{}
	}
	return s
}

// statements returns the statements db keeps prepared (nil on PostgreSQL).
func (s *Store) statements(db *sql.DB) *poolStatements {
	if db == s.read && s.read != s.write {
		return s.readStmts
	}
	return s.writeStmts
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL DSN: %s", scrub(err.Error()))
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, mapPostgresError(err)
	}
	return newStore(postgresDialect, db, db, dsn), nil
}

// sqlitePath returns the file named by dsn.
func sqlitePath(dsn string) string {
	if dsn == "" {
		dsn = DefaultDSN
	}
	p := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// sqliteDSN builds the driver DSN. synchronous=FULL makes every commit reach
// the disk before it returns: a 2xx to a webhook means the data is durable,
// even across a power loss (NORMAL in WAL mode may lose the last commits).
func sqliteDSN(path string, txlock string, queryOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	// Savepoints journal the pages they change (the group commit takes one
	// per notification): in memory, not in a temporary file written with a
	// system call per page. A crash loses nothing by it: the WAL holds the
	// transaction, and an uncommitted one is rolled back whole.
	q.Add("_pragma", "temp_store(MEMORY)")
	if queryOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// The one writer's page cache: 16 MiB instead of SQLite's 2 MB, so
		// that the pages a stream of new incidents keeps touching (the
		// right-hand ends of the tables and the leaves of the indexes on
		// group keys and fingerprints) stay in memory instead of being read
		// again from the file at every transaction.
		q.Add("_pragma", "cache_size(-16384)")
		// Checkpoints run in the background (checkpoint.go); the writer's
		// own is the backstop.
		q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages))
	}
	q.Set("_txlock", txlock)
	return "file:" + path + "?" + q.Encode()
}

// openSQLite opens the file's connection pools. It returns holding an
// exclusive lock on "<db>.migrate.lock", which the caller releases once the
// store is migrated: two processes opening a new file at once would
// otherwise race on its first connection (switching a new file to WAL fails
// at once with "database is locked" rather than waiting) and on its schema.
func openSQLite(ctx context.Context, dsn string) (*Store, func(), error) {
	path := sqlitePath(dsn)
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, nil, hindsight.Errorf(hindsight.EUNAVAILABLE, "directory %s does not exist", dir)
		}
	}
	unlock, err := lockFile(path + ".migrate.lock")
	if err != nil {
		return nil, nil, hindsight.Errorf(hindsight.EUNAVAILABLE, "cannot lock %s.migrate.lock: %v", path, err)
	}
	s, err := openSQLitePools(ctx, path, dsn)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return s, unlock, nil
}

func openSQLitePools(ctx context.Context, path, dsn string) (*Store, error) {
	write, err := sql.Open("sqlite", sqliteDSN(path, "immediate", false))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, mapSQLiteError(err)
	}
	read, err := sql.Open("sqlite", sqliteDSN(path, "deferred", true))
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	s := newStore(sqliteDialect, write, read, dsn)
	s.path = path
	s.startCheckpointer()
	return s, nil
}

// Close releases the database.
func (s *Store) Close() error {
	s.closeIndexer()
	s.stopCheckpointer()
	if s.writeStmts != nil {
		s.writeStmts.close()
		s.readStmts.close()
	}
	err := s.write.Close()
	if s.read != s.write {
		if rerr := s.read.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Ping reports whether the database answers and can be written.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return s.mapErr(err)
	}
	var one int
	if err := s.write.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return s.mapErr(err)
	}
	return nil
}

// mapErr maps a driver error onto the domain's codes.
func (s *Store) mapErr(err error) error { return s.d.mapError(err) }

// now returns the store's clock in UTC, to the microsecond.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// WithTx runs fn in one write transaction.
func (s *Store) WithTx(ctx context.Context, fn func(tx hindsight.Services) error) error {
	return s.update(ctx, func(tx *Tx) error { return fn(tx) })
}

// update runs fn in a write transaction and commits it when fn succeeds.
func (s *Store) update(ctx context.Context, fn func(tx *Tx) error) error {
	s.writers.Add(1)
	defer s.writers.Add(-1)
	return s.run(ctx, s.write, false, fn)
}

// DefaultReadTimeout is the deadline of a read transaction when
// Store.ReadTimeout is zero: far above any page's reads, it only ends work
// that nobody is waiting for any more.
const DefaultReadTimeout = 30 * time.Second

// view runs fn in a read-only transaction: one consistent snapshot, ended
// at the read deadline.
func (s *Store) view(ctx context.Context, fn func(tx *Tx) error) error {
	timeout := s.ReadTimeout
	if timeout <= 0 {
		timeout = DefaultReadTimeout
	}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return s.run(ctx, s.read, true, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, readOnly bool, fn func(tx *Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: readOnly && s.d.dollar}
	pool := s.statements(db)
	if pool != nil {
		// Before the transaction takes a connection: prepare on the pool
		// what earlier transactions ran (stmtcache.go).
		pool.prepareWanted(ctx, db)
	}
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.mapErr(err)
	}
	tx := &Tx{tx: sqlTx, s: s, d: s.d, now: s.now(), detached: !readOnly && !s.d.dollar, pool: pool}
	defer func() {
		// A panic must not leave the transaction open: on SQLite it would
		// hold the one write connection, and every later write would wait
		// for it forever.
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	err = fn(tx)
	if err == nil && tx.broken != nil {
		err = tx.broken
	}
	if err == nil {
		err = tx.writeHeld(ctx)
	}
	if err == nil {
		err = tx.flushRevisions(ctx)
	}
	queued := false
	if err == nil && tx.deferIndex {
		queued, err = tx.queueDirty(ctx)
	}
	if err == nil {
		err = tx.reindexDirty(ctx)
	}
	if err != nil {
		if rerr := sqlTx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(s.mapErr(err), rerr)
		}
		return s.mapErr(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return s.mapErr(err)
	}
	if !readOnly {
		s.noteCommit()
	}
	if queued {
		s.KickIndex()
	}
	return nil
}

// Tx is one transaction; it offers every service and savepoints
// (hindsight.Savepointer). Obtain one through Store.WithTx.
//
// Writes that change an incident's indexed text mark the incident dirty
// instead of rebuilding its search document at once; the transaction
// rebuilds each dirty incident's document once, just before COMMIT, so the
// index never lags a commit but a notification adding 500 timeline events
// costs one rebuild, not 500. A Search inside the writing transaction
// therefore does not see that transaction's own changes.
type Tx struct {
	tx  *sql.Tx
	s   *Store
	d   *dialect
	now time.Time
	// dirty holds the incidents whose search document is rebuilt at commit,
	// or queued for a rebuild after it when deferIndex is set (DeferIndex).
	dirty      map[string]bool
	deferIndex bool
	// broken is set when a savepoint could not be taken or rolled back:
	// the transaction must not commit.
	broken error
	// stmts are the statements prepared in this transaction, pool the
	// pool's (SQLite only: nil on PostgreSQL).
	stmts map[string]*sql.Stmt
	pool  *poolStatements
	// locked holds the incidents whose row lock lockIncidentOnce took.
	locked map[string]bool
	// pending holds the values of the revisions that record noted and
	// flushRevisions has yet to write, revisionArgs per revision.
	pending []any
	// fresh holds the incidents this transaction created and has written
	// no alert state of: they have none to read.
	fresh map[string]bool
	// detached says the transaction's statements run without their
	// context's cancellation (statementContext).
	detached bool
	// deferWrites says the transaction holds new rows (DeferWrites), held
	// the values of those it has yet to write, per table (deferred.go).
	deferWrites bool
	held        [heldTables][]any
	// savepoints counts the savepoints taken, which name them where they
	// are kept open (Savepoint).
	savepoints int
}

// statementContext is the context a statement of tx runs under. In a
// SQLite write transaction it is ctx without its cancellation: the SQLite
// driver starts a goroutine per statement to interrupt it when a
// cancellable context ends, which cost the webhook intake, at a dozen
// statements per notification, about 4% of the server's CPU. Such a
// transaction still ends with its context: database/sql rolls it back, and
// its next statement fails, so the work stops between statements (a write
// transaction's statements are short; reads, whose single statement can be
// long, keep their cancellation). On SQLite a write transaction holds the
// one writer from BEGIN IMMEDIATE, so none of its statements waits for a
// lock. PostgreSQL keeps the context: there a statement can wait for
// another instance's row lock.
func (tx *Tx) statementContext(ctx context.Context) context.Context {
	if tx.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

var _ hindsight.Services = (*Tx)(nil)

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := storableArgs(args); err != nil {
		return nil, err
	}
	if err := tx.beforeStatement(ctx, q); err != nil {
		return nil, err
	}
	ctx = tx.statementContext(ctx)
	if st := tx.prepared(ctx, q); st != nil {
		r, err := st.ExecContext(ctx, args...)
		return r, tx.d.mapError(err)
	}
	r, err := tx.tx.ExecContext(ctx, tx.d.rebind(q), args...)
	return r, tx.d.mapError(err)
}

// execCount runs exec and returns how many rows the statement changed.
func (tx *Tx) execCount(ctx context.Context, q string, args ...any) (int64, error) {
	r, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := r.RowsAffected()
	return n, tx.d.mapError(err)
}

// query is not served by prepared statements: rows left open while the
// same query runs again (nested) would share the driver's statement.
func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := tx.beforeStatement(ctx, q); err != nil {
		return nil, err
	}
	ctx = tx.statementContext(ctx)
	rows, err := tx.tx.QueryContext(ctx, tx.d.rebind(q), args...)
	return rows, tx.d.mapError(err)
}

// queryDrained is query for a caller that reads every row and closes them
// before it runs any other statement: then the transaction's prepared
// statement can serve it, as it serves exec (a new incident's first
// timeline event is an INSERT … RETURNING, parsed once per transaction
// instead of once per notification).
func (tx *Tx) queryDrained(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := tx.beforeStatement(ctx, q); err != nil {
		return nil, err
	}
	if st := tx.prepared(ctx, q); st != nil {
		rows, err := st.QueryContext(tx.statementContext(ctx), args...)
		return rows, tx.d.mapError(err)
	}
	return tx.query(ctx, q, args...)
}

// queryRow serves a single-row query; its caller scans it at once. Held
// rows that cannot be written break the transaction (the row itself cannot
// carry the error): it will not commit.
func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	_ = tx.beforeStatement(ctx, q)
	ctx = tx.statementContext(ctx)
	if st := tx.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, tx.d.rebind(q), args...)
}

// count runs a SELECT COUNT(*) query.
func (tx *Tx) count(ctx context.Context, q string, args ...any) (int, error) {
	var n int
	err := tx.queryRow(ctx, q, args...).Scan(&n)
	return n, tx.d.mapError(err)
}

// storableArgs refuses text PostgreSQL cannot hold (a NUL, bytes that are
// not UTF-8) on both engines alike, so that whatever one store accepted the
// other can restore. The domain's validation names the field first; this is
// the last guard for text that reaches a write by another way.
func storableArgs(args []any) error {
	for _, a := range args {
		if s, ok := a.(string); ok && (strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)) {
			return hindsight.Errorf(hindsight.EINVALID, "the text holds a character that cannot be stored (NUL or not UTF-8)")
		}
	}
	return nil
}
