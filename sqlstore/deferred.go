package sqlstore

import (
	"context"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// Deferred writes. A transaction that calls DeferWrites (the webhook
// intake's batches) holds the rows it adds for the incidents it creates
// (their service index rows, their drafts, their first alert states),
// every new timeline event and every notification it records, and writes
// each table's held rows with one multi-row INSERT (per maxBatchRows) at
// the latest moment: just before a statement that names the table, before
// any UPDATE or DELETE (a cascade may reach the table without naming it),
// and before COMMIT. On PostgreSQL every statement is a round trip; a batch
// of 48 notifications that each open an incident thus pays five statements
// for these rows instead of 240.
//
// The rows are the transaction's own: no other transaction sees them
// before the commit either way, and every statement of this one that could
// see them runs after they are written. A savepoint that rolls back drops
// the rows held since it began (Savepoint restores them as they were, even
// if they were written inside it). The rows' values are checked as they
// are held (storableArgs); what only the database checks (a constraint) is
// refused when they are written, which fails the transaction rather than
// the call that held them: the intake then applies its batch again, in the
// end without deferring, so that such a notification fails alone.

// heldTable is a table whose new rows a deferring transaction holds.
type heldTable int

const (
	heldNotifications heldTable = iota
	heldServices
	heldDocuments
	heldAlertStates
	heldEvents
	heldTables
)

// heldInserts are the held tables in the order they are written (each
// refers only to tables whose rows are written at once: incidents).
var heldInserts = [heldTables]struct {
	table, insert string
	cols          int
}{
	heldNotifications: {"alert_notifications", "INSERT INTO alert_notifications (" + notificationCols + ") VALUES ", 6},
	heldServices:      {"incident_services", "INSERT INTO incident_services (incident_seq, service, started_at, status, severity) VALUES ", 5},
	heldDocuments:     {"documents", "INSERT INTO documents (" + documentCols + ") VALUES ", 14},
	heldAlertStates:   {"alert_states", "INSERT INTO alert_states (" + alertStateCols + ") VALUES ", 7},
	heldEvents:        {"timeline_events", "INSERT INTO timeline_events (" + eventCols + ") VALUES ", 10},
}

var _ hindsight.WriteDeferrer = (*Tx)(nil)

// DeferWrites makes the transaction hold its new incidents' rows, its new
// timeline events and its notifications until a statement needs them, then
// write each table's with one statement. Held events and notifications get
// no ID.
func (tx *Tx) DeferWrites() { tx.deferWrites = true }

// addRows inserts rows of t, their values flat in args: at once, or held
// when the transaction defers its writes.
func (tx *Tx) addRows(ctx context.Context, t heldTable, args []any) error {
	if tx.deferWrites {
		if err := storableArgs(args); err != nil {
			return err
		}
		tx.held[t] = append(tx.held[t], args...)
		return nil
	}
	return tx.insertNow(ctx, t, args)
}

// insertNow inserts rows of t, their values flat in args, at once.
func (tx *Tx) insertNow(ctx context.Context, t heldTable, args []any) error {
	return tx.insertMany(ctx, heldInserts[t].insert, heldInserts[t].cols, args)
}

// insertMany runs head (an INSERT up to its VALUES) for rows of cols
// values each, flat in args: one multi-row statement per maxBatchRows, or,
// where the store keeps statements prepared (SQLite), per cachedRows.
func (tx *Tx) insertMany(ctx context.Context, head string, cols int, args []any) error {
	for len(args) > 0 {
		n := min(len(args)/cols, maxBatchRows)
		if tx.pool != nil {
			n = cachedRows(n, len(head), cols)
		}
		if _, err := tx.exec(ctx, head+valuesRows(cols, n), args[:n*cols]...); err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// cachedRows returns how many of n rows the next multi-row INSERT writes
// where statements are kept prepared (stmtcache.go): the largest power of
// two, at most n, whose statement stays short enough to be kept. A table's
// INSERTs then come in a few texts, each parsed once; one of any other
// number of rows (a batch's held rows, 400 events of four notifications)
// would be parsed at every call, 9% of a 100-alert notification's CPU on
// SQLite.
func cachedRows(n, head, cols int) int {
	row := len(valuesRows(cols, 1)) + len(", ")
	rows := 1
	for rows*2 <= n && head+rows*2*row <= maxCachedQuery {
		rows *= 2
	}
	return rows
}

// writeHeld writes every held row. They are no longer held before the first
// statement: their own INSERTs must not write them again.
func (tx *Tx) writeHeld(ctx context.Context) error {
	held := tx.held
	tx.held = [heldTables][]any{}
	for t, args := range held {
		if err := tx.insertNow(ctx, heldTable(t), args); err != nil {
			return err
		}
	}
	return nil
}

// beforeStatement writes the held rows when statement q may read, change or
// conflict with them: it names a table with held rows, or it is an UPDATE
// or a DELETE. Rows that cannot be written break the transaction: it will
// not commit (the rows of notifications that succeeded would be lost).
func (tx *Tx) beforeStatement(ctx context.Context, q string) error {
	if !tx.holds() || !needsHeld(q, &tx.held) {
		return nil
	}
	err := tx.writeHeld(ctx)
	if err != nil && tx.broken == nil {
		tx.broken = err
	}
	return err
}

// holds reports whether the transaction holds rows.
func (tx *Tx) holds() bool {
	for _, args := range tx.held {
		if len(args) > 0 {
			return true
		}
	}
	return false
}

// needsHeld reports whether statement q must run after the held rows are
// written.
func needsHeld(q string, held *[heldTables][]any) bool {
	verb := strings.TrimLeft(q, " \t\r\n")
	if len(verb) >= 6 && (strings.EqualFold(verb[:6], "UPDATE") || strings.EqualFold(verb[:6], "DELETE")) {
		return true
	}
	for t, args := range held {
		if len(args) > 0 && strings.Contains(q, heldInserts[t].table) {
			return true
		}
	}
	return false
}
