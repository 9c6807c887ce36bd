package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) hindsight.Store { return teststore.SQLite(t) })
}

func TestPostgres(t *testing.T) {
	testenv.RequirePostgres(t)
	storetest.Run(t, func(t *testing.T) hindsight.Store { return teststore.Postgres(t) })
}

// TestBackup_CrossEngine moves a backup SQLite → PostgreSQL → SQLite and
// requires the exports to be byte for byte equal, every backed-up table
// holding rows.
func TestBackup_CrossEngine(t *testing.T) {
	ctx := context.Background()
	a := teststore.SQLite(t)
	storetest.Populate(t, a)
	var first, second, third bytes.Buffer
	if err := a.Export(ctx, &first); err != nil {
		t.Fatal(err)
	}
	pg := teststore.Postgres(t)
	if err := pg.Import(ctx, bytes.NewReader(first.Bytes())); err != nil {
		t.Fatal(err)
	}
	if err := pg.Export(ctx, &second); err != nil {
		t.Fatal(err)
	}
	b := teststore.SQLite(t)
	if err := b.Import(ctx, bytes.NewReader(second.Bytes())); err != nil {
		t.Fatal(err)
	}
	if err := b.Export(ctx, &third); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) || !bytes.Equal(first.Bytes(), third.Bytes()) {
		t.Fatalf("exports differ:\nsqlite:   %s\npostgres: %s\nsqlite:   %s", first.String(), second.String(), third.String())
	}
	// Impacts and the tables added in format version 2 hold rows too, so
	// the comparison covers them.
	for _, key := range []string{"impacts", "follow_ups", "import_sources", "reminders_sent"} {
		if !bytes.Contains(first.Bytes(), []byte("\""+key+"\":[\n{")) {
			t.Errorf("the backup has no %s rows:\n%s", key, first.String())
		}
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("ErrMissingDirectory", func(t *testing.T) {
		_, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "h.db"))
		if hindsight.ErrorCode(err) != hindsight.EUNAVAILABLE || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNotADatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "junk.db")
		os.WriteFile(path, bytes.Repeat([]byte("not sqlite "), 1000), 0o600)
		if _, err := sqlstore.Open(ctx, path); err == nil {
			t.Fatal("opened a junk file")
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "h.db")
		s := teststore.Open(t, path)
		db, _ := sql.Open("sqlite", path)
		if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		s.Close()
		_, err := sqlstore.Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrPostgresDown", func(t *testing.T) {
		_, err := sqlstore.Open(ctx, "postgres://u:secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2")
		if hindsight.ErrorCode(err) != hindsight.EUNAVAILABLE || strings.Contains(err.Error(), "secret") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrPostgresPassword", func(t *testing.T) {
		u, _ := url.Parse(testenv.RequirePostgres(t))
		u.User = url.UserPassword(u.User.Username(), "wrong-password")
		_, err := sqlstore.Open(ctx, u.String())
		if hindsight.ErrorCode(err) != hindsight.EUNAVAILABLE || strings.Contains(err.Error(), "wrong-password") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("TwoInstancesMigrateTogether", func(t *testing.T) {
		dsn := testenv.FreshPostgresDatabase(t)
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() {
				s, err := sqlstore.Open(ctx, dsn)
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		for i := 0; i < 2; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
}
