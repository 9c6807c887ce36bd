// Package teststore opens the real stores that tests run against: a SQLite
// file in the test's temporary directory, or a fresh PostgreSQL database
// from testenv.FreshPostgresDatabase. It is the one place where a test opens
// a sqlstore.Store.
//
// It is a package of its own, beside internal/testenv, because it imports
// sqlstore: testenv starts components and imports nothing of Hindsight, so
// that the tests of any package, sqlstore's in-package ones included, may
// use it without an import cycle. sqlstore's external tests (package
// sqlstore_test) use this package like every other. Every store opened here
// is closed in t.Cleanup.
package teststore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// Open opens the store at dsn (a SQLite path or a PostgreSQL DSN),
// migrating it, and closes it when the test ends. A failure fails the test
// with the DSN's password redacted.
func Open(tb testing.TB, dsn string) *sqlstore.Store {
	tb.Helper()
	s, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", sqlstore.RedactDSN(dsn), err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// sqliteDSN returns the path of a new SQLite database in the test's
// temporary directory.
func sqliteDSN(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "hindsight.db")
}

// SQLite opens a new SQLite store in the test's temporary directory.
func SQLite(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	return Open(tb, sqliteDSN(tb))
}

// Postgres opens a store in a fresh PostgreSQL database
// (testenv.FreshPostgresDatabase), dropped when the test ends. The test is
// skipped, or fails under CI=true, when PostgreSQL is not configured.
func Postgres(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	return Open(tb, testenv.FreshPostgresDatabase(tb))
}

// ForEachEngine runs fn with a new store on each engine, as the parallel
// subtests "SQLite" and "PostgreSQL" of testenv.ForEachEngine.
func ForEachEngine(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	testenv.ForEachEngine(t, func(t *testing.T, dsn string) { fn(t, Open(t, dsn)) })
}
