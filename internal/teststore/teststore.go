// Package teststore opens the real stores that tests run against: a SQLite
// file in the test's temporary directory, or a fresh PostgreSQL database
// from testenv.FreshPostgresDatabaseFrom. It is the one place where a test
// opens a sqlstore.Store.
//
// Every store it hands out is new and already at the latest schema: a copy
// of one that sqlstore.Open migrated once. In a race-enabled test binary
// migrating a new store takes 80-450 ms on SQLite (depending on whether the
// SQLite library is instrumented) and 500-700 ms on PostgreSQL; a copy
// takes a few milliseconds on SQLite and 130-260 ms on PostgreSQL, and the
// suite opens hundreds. Tests of migration itself start from an empty
// database: testenv.ForEachEngine and testenv.FreshPostgresDatabase give
// one.
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
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
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

// SQLiteDSN returns the path of a new SQLite store at the latest schema in
// the test's temporary directory.
func SQLiteDSN(tb testing.TB) string {
	tb.Helper()
	image, err := sqliteTemplate()
	if err != nil {
		tb.Fatalf("teststore: %v", err)
	}
	path := filepath.Join(tb.TempDir(), "hindsight.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		tb.Fatalf("teststore: %v", err)
	}
	return path
}

// SQLite opens a new SQLite store in the test's temporary directory.
func SQLite(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	return Open(tb, SQLiteDSN(tb))
}

// PostgresDSN returns the DSN of a fresh PostgreSQL database at the latest
// schema, dropped when the test ends. The test is skipped, or fails under
// CI=true, when PostgreSQL is not configured.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	return testenv.FreshPostgresDatabaseFrom(tb, postgresTemplate(tb))
}

// Postgres opens a store in a fresh PostgreSQL database (PostgresDSN).
func Postgres(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	return Open(tb, PostgresDSN(tb))
}

// ForEachEngineDSN runs fn as testenv.ForEachEngine does, with the DSN of a
// new store at the latest schema on each engine (SQLiteDSN, PostgresDSN).
func ForEachEngineDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	testenv.ForEachEngineFrom(t, SQLiteDSN, PostgresDSN, fn)
}

// ForEachEngine runs fn with a new store on each engine, as the parallel
// subtests "SQLite" and "PostgreSQL" of testenv.ForEachEngine.
func ForEachEngine(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	ForEachEngineDSN(t, func(t *testing.T, dsn string) { fn(t, Open(t, dsn)) })
}

// sqliteTemplate returns the bytes of a SQLite store that sqlstore.Open has
// just migrated, made once per test process.
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "hindsight-teststore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "hindsight.db")
	s, err := sqlstore.Open(context.Background(), path)
	if err != nil {
		return nil, fmt.Errorf("migrate the SQLite template: %w", err)
	}
	if err := s.Close(); err != nil {
		return nil, fmt.Errorf("close the SQLite template: %w", err)
	}
	// Closing the last connection checkpoints the write-ahead log into the
	// file and removes it; the file alone is then the whole store.
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the SQLite template kept its write-ahead log after Close (%v)", err)
	}
	return os.ReadFile(path)
})

var (
	pgTemplateOnce sync.Once
	pgTemplate     string
)

// postgresTemplate returns the name of the PostgreSQL template database at
// the latest schema: hs_tpl_ and a digest of the migrations, so that a
// changed migration makes a new one. testenv.PostgresTemplate builds it
// once for every test process and run that asks with the same name.
func postgresTemplate(tb testing.TB) string {
	tb.Helper()
	// Skips (or fails under CI=true) here, outside the Once, so that every
	// test without PostgreSQL skips alike.
	testenv.RequirePostgres(tb)
	pgTemplateOnce.Do(func() {
		digest, err := migrationsDigest("postgres")
		if err != nil {
			tb.Fatalf("teststore: %v", err)
		}
		pgTemplate, err = testenv.PostgresTemplate(tb, "hs_tpl_"+digest, func(dsn string) error {
			s, err := sqlstore.Open(context.Background(), dsn)
			if err != nil {
				return err
			}
			return s.Close()
		})
		if err != nil {
			tb.Fatalf("teststore: %v", err)
		}
	})
	if pgTemplate == "" {
		tb.Fatalf("teststore: the PostgreSQL template could not be made (see the first test that asked for it)")
	}
	return pgTemplate
}

// migrationsDigest returns the first 16 hexadecimal digits of a SHA-256
// over the names and contents of sqlstore's migrations for engine, read
// from the source tree the tests run in.
func migrationsDigest(engine string) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot find the source of internal/teststore")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "sqlstore", "migrations", engine)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("read the migrations: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", fmt.Errorf("read the migrations: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
