package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// The upgrade test builds a database at every earlier schema version (the
// goose versions embedded in this binary, whatever they are), puts a row in
// every table that exists at that version, opens it as the current binary
// does (sqlstore.Open migrates), and checks that every row is still there
// and that the current code can read all of it (a full Export).
//
// Rows are made generically from the schema: each column gets a value by
// its name (upgradeValues: the values the code expects, such as a severity
// or a JSON object) or else by its type; a foreign key takes the key of
// the row made in the referenced table. A table added by a new migration
// is filled the same way; when that fails (a CHECK constraint, a JSON
// column the code decodes), the test fails and names the table and column
// to add to upgradeValues, so no table can be left out.

// upgradeValues are the values of columns whose content the code reads
// with a meaning, by "table.column" or by column name alone.
var upgradeValues = map[string]any{
	"severity": "SEV2", "role": "editor", "horizon": "medium", "method": "token", "kind": "action_overdue",
	"incidents.status": "RESOLVED", "incident_services.status": "RESOLVED", "documents.status": "DRAFT",
	"action_items.status": "open", "alert_states.status": "resolved", "entity": "incident",
	"services": `["api"]`, "regions": `["eu-west-1"]`, "labels": `{"alertname":"UpgradeCheck"}`,
	"links":     `[{"kind":"runbook","url":"https://runbooks.example/upgrade"}]`,
	"narrative": `{"summary":"kept across upgrades"}`, "fields": `["title"]`,
	"before_json": `{"title":"before"}`, "after_json": `{"title":"after"}`,
	"impacts.impact": `{}`, "follow_ups.data": `{"incident_id":"INCIDENT-20250101-0000-upgradecheck"}`,
	"incidents.id": "INCIDENT-20250101-0000-upgradecheck", "period": "2025-01-01", "channel": "slack",
	"timeline_events.type": "alert", "mentions": `["lead"]`, "lines": `["a line"]`,
	"comments.kind": "comment", "alert_notifications.body_encoding": "",
	"person_events.kind": "mentioned", "hash": "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
}

// upgradeTime is the value of every time column: 2025-01-01 in
// microseconds, as the store keeps times.
const upgradeTime = int64(1735689600000000)

// column is one column of a table at some schema version.
type column struct {
	name, typ string
	// ref is "table.column" of a foreign key, "" otherwise.
	ref string
}

// schemaReader reads an engine's catalogue.
type schemaReader interface {
	tables(ctx context.Context, db *sql.DB) ([]string, error)
	columns(ctx context.Context, db *sql.DB, table string) ([]column, error)
	placeholder(i int) string
}

func TestUpgrade_EveryVersionKeepsEveryRow(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		checkUpgrades(t, func(t *testing.T) string { return filepath.Join(t.TempDir(), "h.db") }, sqliteCatalogue{})
	})
	t.Run("postgres", func(t *testing.T) {
		checkUpgrades(t, func(t *testing.T) string { return testenv.FreshPostgresDatabase(t) }, postgresCatalogue{})
	})
}

// checkUpgrades runs the upgrade from every earlier version on fresh
// databases made by newDSN.
func checkUpgrades(t *testing.T, newDSN func(t *testing.T) string, cat schemaReader) {
	ctx := context.Background()
	versions := embeddedVersions(t, newDSN(t))
	if len(versions) < 2 {
		t.Fatalf("migrations %v: nothing to upgrade from", versions)
	}
	for _, v := range versions[:len(versions)-1] {
		t.Run(fmt.Sprintf("from%05d", v), func(t *testing.T) {
			t.Parallel()
			dsn := newDSN(t)
			old := openAt(t, dsn, v)
			rows := fillEveryTable(t, dsn, cat)
			old.Close()

			s := teststore.Open(t, dsn) // what the current binary does at start
			st, err := s.MigrationStatus(ctx)
			if err != nil || st.Current != versions[len(versions)-1] || st.Pending() != 0 {
				t.Fatalf("after the upgrade: %+v, %v", st, err)
			}
			db := dbOf(t, dsn)
			for table, want := range rows {
				got := tableRows(t, db, table, want.cols)
				if derivedTables[table] {
					if len(got) < len(want.rows) {
						t.Errorf("%s: %d rows after the upgrade, %d before", table, len(got), len(want.rows))
					}
					continue
				}
				if strings.Join(got, "\n") != strings.Join(want.rows, "\n") {
					t.Errorf("%s changed in the upgrade from %d:\nbefore %q\nafter  %q", table, v, want.rows, got)
				}
			}
			var out bytes.Buffer
			if err := s.Export(ctx, &out); err != nil {
				t.Fatalf("the current code cannot read a store upgraded from %d: %v", v, err)
			}
			if !strings.Contains(out.String(), "INCIDENT-20250101-0000-upgradecheck") {
				t.Error("the export of the upgraded store lacks the incident")
			}
		})
	}
}

// derivedTables are rebuilt from others (search index, service index): a
// migration may rewrite their rows, so only their count is checked.
var derivedTables = map[string]bool{"search_docs": true, "incident_services": true}

// embeddedVersions lists the goose versions this binary embeds.
func embeddedVersions(t *testing.T, dsn string) []int64 {
	s := openAt(t, dsn, 0)
	defer s.Close()
	st, err := s.MigrationStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, m := range st.Migrations {
		out = append(out, m.Version)
	}
	return out
}

// openAt makes the database at dsn and migrates it up to version.
func openAt(t *testing.T, dsn string, version int64) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	if !sqlstore.IsPostgres(dsn) {
		// OpenUnmigrated does not create a SQLite file: make an empty one.
		db, err := sql.Open("sqlite", dsn)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := sqlstore.OpenUnmigrated(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if version > 0 {
		if _, err := s.MigrateTo(ctx, version); err != nil {
			s.Close()
			t.Fatalf("migrate to %d: %v", version, err)
		}
	}
	return s
}

// dbOf opens a plain connection pool on dsn, closed at cleanup.
func dbOf(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if sqlstore.IsPostgres(dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// tableContent is what a table held before the upgrade.
type tableContent struct {
	cols []string
	rows []string
}

// fillEveryTable puts one row in every table of the store's schema,
// referenced tables first, and returns each table's rows.
func fillEveryTable(t *testing.T, dsn string, cat schemaReader) map[string]tableContent {
	t.Helper()
	ctx := context.Background()
	db := dbOf(t, dsn)
	tables, err := cat.tables(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]column{}
	for _, tb := range tables {
		if cols[tb], err = cat.columns(ctx, db, tb); err != nil {
			t.Fatal(err)
		}
	}
	inserted := map[string]map[string]any{}
	out := map[string]tableContent{}
	for _, tb := range fkOrder(t, tables, cols) {
		vals, err := insertRow(ctx, db, cat, tb, cols[tb], inserted)
		if err != nil {
			t.Fatalf("cannot fill table %s generically: %v; add its columns' values to upgradeValues in upgrade_test.go", tb, err)
		}
		inserted[tb] = vals
		var names []string
		for _, c := range cols[tb] {
			names = append(names, c.name)
		}
		rows := tableRows(t, db, tb, names)
		if len(rows) == 0 {
			t.Fatalf("table %s is empty after the insert", tb)
		}
		out[tb] = tableContent{cols: names, rows: rows}
	}
	return out
}

// fkOrder sorts tables so that each comes after the tables it references.
func fkOrder(t *testing.T, tables []string, cols map[string][]column) []string {
	var out []string
	done := map[string]bool{}
	for len(out) < len(tables) {
		progress := false
		for _, tb := range tables {
			if done[tb] {
				continue
			}
			ready := true
			for _, c := range cols[tb] {
				if parent, _, ok := strings.Cut(c.ref, "."); ok && parent != tb && !done[parent] {
					ready = false
				}
			}
			if ready {
				out, done[tb], progress = append(out, tb), true, true
			}
		}
		if !progress {
			t.Fatalf("foreign keys form a cycle among %v", tables)
		}
	}
	return out
}

// insertRow inserts one row into table and returns its values by column.
func insertRow(ctx context.Context, db *sql.DB, cat schemaReader, table string, cols []column, inserted map[string]map[string]any) (map[string]any, error) {
	vals := map[string]any{}
	var names, marks []string
	var args []any
	for i, c := range cols {
		v := valueFor(table, c, inserted)
		vals[c.name] = v
		names, marks, args = append(names, quoteIdent(c.name)), append(marks, cat.placeholder(i+1)), append(args, v)
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quoteIdent(table), strings.Join(names, ", "), strings.Join(marks, ", "))
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	return vals, nil
}

// valueFor chooses a column's value: a referenced row's key, a known
// value, or one by type.
func valueFor(table string, c column, inserted map[string]map[string]any) any {
	if parent, col, ok := strings.Cut(c.ref, "."); ok {
		return inserted[parent][col]
	}
	if v, ok := upgradeValues[table+"."+c.name]; ok {
		return v
	}
	if v, ok := upgradeValues[c.name]; ok {
		return v
	}
	switch typ := strings.ToLower(c.typ); {
	case strings.Contains(typ, "bool"):
		return true
	case typ == "integer" && !strings.HasSuffix(c.name, "_at") && (c.name == "id" || c.name == "seq" || c.name == "version" || c.name == "attempts"):
		return int64(1)
	case strings.Contains(typ, "int") || strings.Contains(typ, "timestamp"):
		if strings.HasSuffix(c.name, "_at") || strings.HasSuffix(c.name, "_date") || c.name == "time" || strings.HasSuffix(c.name, "_time") ||
			strings.HasSuffix(c.name, "_until") || strings.HasSuffix(c.name, "_after") || typ == "bigint" {
			return upgradeTime
		}
		return int64(1)
	case strings.Contains(typ, "blob") || strings.Contains(typ, "bytea"):
		return []byte("raw " + table)
	case strings.Contains(typ, "double") || strings.Contains(typ, "real") || strings.Contains(typ, "numeric"):
		return 1.5
	default:
		return fmt.Sprintf("%s %s ✓", table, c.name)
	}
}

// tableRows returns the table's rows over cols, each as one string, sorted.
func tableRows(t *testing.T, db *sql.DB, table string, cols []string) []string {
	t.Helper()
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	rows, err := db.Query(fmt.Sprintf("SELECT %s FROM %s", strings.Join(quoted, ", "), quoteIdent(table)))
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprintf("%s=%v", cols[i], v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
