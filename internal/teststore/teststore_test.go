package teststore_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// TestForEachEngine: fn gets one migrated store per engine, each usable
// while the subtest runs and closed once it has ended.
func TestForEachEngine(t *testing.T) {
	var mu sync.Mutex
	engines := map[string]*sqlstore.Store{}
	t.Run("run", func(t *testing.T) {
		teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
			if err := s.Ping(context.Background()); err != nil {
				t.Fatalf("%s: %v", t.Name(), err)
			}
			if _, total, err := s.FindIncidents(context.Background(), hindsight.IncidentFilter{}); err != nil || total != 0 {
				t.Fatalf("%s: a fresh store holds %d incidents (%v)", t.Name(), total, err)
			}
			mu.Lock()
			engines[s.Engine()] = s
			mu.Unlock()
		})
	})
	want := 2
	if os.Getenv(testenv.EnvPostgresDSN) == "" {
		want = 1 // the PostgreSQL subtest skipped (CI=true fails it instead)
	}
	if len(engines) != want || engines["sqlite"] == nil || (want == 2 && engines["postgres"] == nil) {
		t.Fatalf("stores by engine %v, want one sqlite and, when PostgreSQL is configured, one postgres", engines)
	}
	for name, s := range engines {
		if err := s.Ping(context.Background()); err == nil {
			t.Errorf("the %s store still answers after its test ended", name)
		}
	}
}

// openCall is a call that opens a store, in Go source.
var openCall = regexp.MustCompile(`sqlstore\.Open\(|CREATE SCHEMA|search_path=`)

// openers are the test files that call sqlstore.Open themselves, because
// sqlstore.Open is what they test (a refused DSN, two stores migrating at
// once, a child process that must die holding the store), with the reason.
var openers = map[string]string{
	"sqlstore/sqlstore_test.go":     "TestOpen: the errors of Open, two instances migrating together",
	"sqlstore/dsn_test.go":          "refused and keyword DSNs must fail without creating a file",
	"sqlstore/migrate_race_test.go": "stores opening one new SQLite file at once",
	"sqlstore/searchqueue_test.go":  "a child process opens the store and is killed holding it",
}

// TestOneWayToOpenAStore: no test outside the openers above opens a store
// but through this package, nor makes a fresh PostgreSQL but through
// testenv.FreshPostgresDatabase (a schema of its own and a search_path
// were the other way once).
func TestOneWayToOpenAStore(t *testing.T) {
	root := filepath.Join("..", "..")
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if rel == "internal/teststore/teststore_test.go" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := openCall.FindIndex(src); loc != nil {
			if _, ok := openers[rel]; ok {
				seen[rel] = true
				return nil
			}
			line := 1 + strings.Count(string(src[:loc[0]]), "\n")
			t.Errorf("%s:%d opens a store itself (%q): use teststore.Open, SQLite, Postgres or ForEachEngine", rel, line, src[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range openers {
		if !seen[rel] {
			t.Errorf("%s is allowed to call sqlstore.Open but no longer does: remove it from openers", rel)
		}
	}
}
