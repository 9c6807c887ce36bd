package sqlstore

import (
	"strconv"
	"strings"
	"sync"

	"github.com/pressly/goose/v3"
)

// dialect isolates what differs between SQLite and PostgreSQL: placeholders,
// row locks, advisory locks, full-text search and error mapping. Everything
// else (the schema's shape, every query of the services) is shared SQL.
type dialect struct {
	// name is "sqlite" or "postgres"; it is also the migrations directory.
	name  string
	goose goose.Dialect
	// dollar says placeholders are $1, $2… rather than ?.
	dollar bool
	// forUpdate locks the selected rows until the transaction ends. SQLite
	// needs none: a write transaction there holds the database's one write
	// lock from BEGIN IMMEDIATE on.
	forUpdate string
	// skipLocked locks the selected rows, leaving out those another
	// transaction holds: a work queue shared by several instances.
	skipLocked string
	// lockGroups takes a transaction-scoped lock on each string of an
	// array, in the array's order; "" when the engine already serializes
	// writers.
	lockGroups string
	// keepSavepoints leaves a savepoint whose work succeeded for the
	// COMMIT to release (Tx.Savepoint): where every statement is a round
	// trip, that is one fewer per savepoint.
	keepSavepoints bool
	// searchOn joins search_docs s to incidents i; searchMatch and
	// searchRank are the condition and rank expression for one bound query.
	searchOn    string
	searchMatch string
	searchRank  string
	// searchSnippet is the snippet expression, with markStart and markEnd
	// around matches.
	searchSnippet string
	// resetSequences holds statements that move ID generators past imported
	// IDs.
	resetSequences []string
	mapError       func(error) error

	rebound sync.Map // query with ? → query with $n
}

// Markers that search SQL puts around matched words. They are private-use
// characters, removed from indexed text, so that the snippet can be escaped
// as a whole and the markers turned into <mark> tags afterwards.
const (
	markStart = "\uE000"
	markEnd   = "\uE001"
)

var sqliteDialect = &dialect{
	name:          "sqlite",
	goose:         goose.DialectSQLite3,
	searchOn:      "s.rowid = i.seq",
	searchMatch:   "search_docs MATCH ?",
	searchRank:    "-bm25(search_docs, 10.0, 1.0)",
	searchSnippet: "snippet(search_docs, -1, '" + markStart + "', '" + markEnd + "', '…', 24)",
	mapError:      mapSQLiteError,
}

var postgresDialect = &dialect{
	name:           "postgres",
	goose:          goose.DialectPostgres,
	dollar:         true,
	forUpdate:      " FOR UPDATE",
	skipLocked:     " FOR UPDATE SKIP LOCKED",
	keepSavepoints: true,
	// A function scan yields unnest's rows in the array's order, and the
	// aggregate takes each row's lock as the row arrives: the locks are
	// taken in the order given, which callers sort.
	lockGroups:  "SELECT count(pg_advisory_xact_lock(hashtextextended('hindsight-alert-group:' || k, 0))) FROM unnest(?::text[]) AS g(k)",
	searchOn:    "s.incident_seq = i.seq",
	searchMatch: "s.tsv @@ plainto_tsquery('english', ?)",
	searchRank:  "ts_rank_cd(s.tsv, plainto_tsquery('english', ?))",
	searchSnippet: "ts_headline('english', s.title || ' ' || s.body, plainto_tsquery('english', ?), " +
		"'StartSel=" + markStart + ", StopSel=" + markEnd + ", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"')",
	resetSequences: []string{
		sequenceReset("incidents", "seq"),
		sequenceReset("timeline_events", "id"),
		sequenceReset("action_items", "id"),
		sequenceReset("sign_offs", "id"),
		sequenceReset("revisions", "id"),
		sequenceReset("alert_notifications", "id"),
		sequenceReset("api_tokens", "id"),
		sequenceReset("changes", "id"),
		sequenceReset("attachments", "id"),
		sequenceReset("comments", "id"),
		sequenceReset("person_events", "id"),
	},
	mapError: mapPostgresError,
}

func sequenceReset(table, col string) string {
	return "SELECT setval(pg_get_serial_sequence('" + table + "', '" + col + "'), " +
		"COALESCE((SELECT MAX(" + col + ") FROM " + table + "), 0) + 1, false)"
}

// rebind turns the shared ? placeholders into the engine's own. Queries are
// written without ? inside string literals, so a plain scan is enough.
func (d *dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	cache := len(q) < 4096 // bulk inserts vary in length; do not keep them
	if v, ok := d.rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	if cache {
		d.rebound.Store(q, b.String())
	}
	return b.String()
}
