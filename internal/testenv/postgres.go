package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequirePostgres returns the DSN of the test PostgreSQL database from
// HINDSIGHT_TEST_POSTGRES_DSN. When it is unset the test is skipped, or fails
// under CI=true.
func RequirePostgres(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgresDSN)
	if dsn == "" {
		missing(t, "PostgreSQL is not configured: %s is not set", EnvPostgresDSN)
	}
	return dsn
}

// ForEachEngine runs fn twice, as parallel subtests: "SQLite" with the DSN of
// a file in the subtest's t.TempDir(), and "PostgreSQL" with the DSN of a
// FreshPostgresDatabase. The PostgreSQL run is skipped, or fails under
// CI=true, as RequirePostgres decides.
func ForEachEngine(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	ForEachEngineFrom(t, func(t testing.TB) string { return filepath.Join(t.TempDir(), "hindsight.db") }, FreshPostgresDatabase, fn)
}

// ForEachEngineFrom runs fn as the parallel subtests "SQLite" and
// "PostgreSQL", with the DSN that sqliteDSN and postgresDSN make in each.
// internal/teststore passes makers of stores already migrated.
func ForEachEngineFrom(t *testing.T, sqliteDSN, postgresDSN func(t testing.TB) string, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		fn(t, sqliteDSN(t))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		fn(t, postgresDSN(t))
	})
}

// FreshPostgresDatabase creates an empty database with a unique name
// (hs_<random>) through the DSN of RequirePostgres, whose role needs
// CREATEDB, and returns a DSN for it that differs from that one only in the
// database name. The database is dropped when the test ends, after its
// remaining connections are ended. It is the one way tests get a fresh
// PostgreSQL; internal/teststore opens a store in one.
func FreshPostgresDatabase(t testing.TB) string {
	t.Helper()
	return freshPostgresDatabase(t, "template0")
}

// FreshPostgresDatabaseFrom is FreshPostgresDatabase with a copy of
// template, a database that PostgresTemplate made, instead of an empty one.
func FreshPostgresDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	return freshPostgresDatabase(t, template)
}

func freshPostgresDatabase(t testing.TB, template string) string {
	t.Helper()
	adminDSN := RequirePostgres(t)
	name := randomName(t, "hs_")
	dsn, err := withDatabase(adminDSN, name)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		t.Fatalf("testenv: connect to PostgreSQL (%s): %v", EnvPostgresDSN, err)
	}
	defer conn.Close(ctx)
	if err := createDatabase(ctx, conn, name, template); err != nil {
		t.Fatalf("testenv: create database %s from %s: %v", name, template, err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(adminDSN, name); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	return dsn
}

// createDatabase creates name as a copy of template. template0 gets UTF-8
// and a fixed locale, so that every test database behaves alike whatever
// the cluster's defaults are; a template of PostgresTemplate was made that
// way and passes them on.
func createDatabase(ctx context.Context, conn *pgx.Conn, name, template string) error {
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() +
		" TEMPLATE " + pgx.Identifier{template}.Sanitize()
	if template == "template0" {
		create += " ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
	}
	_, err := conn.Exec(ctx, create)
	return err
}

// randomName returns prefix followed by 16 random hexadecimal digits.
func randomName(t testing.TB, prefix string) string {
	t.Helper()
	var random [8]byte
	if _, err := rand.Read(random[:]); err != nil {
		t.Fatalf("testenv: random database name: %v", err)
	}
	return prefix + hex.EncodeToString(random[:])
}

// PostgresTemplate returns the name of a database, made once by build and
// kept for later runs, that FreshPostgresDatabaseFrom copies. name must say
// everything its content depends on (internal/teststore puts a digest of
// the schema migrations in it): a database of that name that already exists
// is used as it is. build gets the DSN of an empty database to fill and
// must leave no connection open to it. Test processes that ask for the same
// template at once wait for one of them to build it; a build that fails
// leaves nothing behind and its error is returned.
//
// Templates are not dropped: each is a few megabytes, and one made by an
// older schema is never used again (drop hs_tpl_* databases by hand to
// reclaim them).
func PostgresTemplate(t testing.TB, name string, build func(dsn string) error) (string, error) {
	t.Helper()
	adminDSN := RequirePostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL (%s): %w", EnvPostgresDSN, err)
	}
	defer conn.Close(ctx)
	// A session lock, so that a second process waits here for the first to
	// build the template rather than building its own.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtextextended($1, 0))", "hindsight-test-template:"+name); err != nil {
		return "", fmt.Errorf("lock template %s: %w", name, err)
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for template %s: %w", name, err)
	}
	if exists {
		return name, nil
	}
	// Built under another name and renamed when complete, so that a build
	// cut short never passes for a template.
	building := randomName(t, "hs_tplbuild_")
	if err := createDatabase(ctx, conn, building, "template0"); err != nil {
		return "", fmt.Errorf("create database %s: %w", building, err)
	}
	dsn, err := withDatabase(adminDSN, building)
	if err == nil {
		err = build(dsn)
	}
	if err == nil {
		_, err = conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize())
	}
	if err != nil {
		if derr := dropDatabase(adminDSN, building); derr != nil {
			err = fmt.Errorf("%w (and drop database %s: %v)", err, building, derr)
		}
		return "", fmt.Errorf("build template %s: %w", name, err)
	}
	return name, nil
}

// dropDatabase ends the connections still open to name and drops it.
func dropDatabase(adminDSN, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// Only the test role's own sessions: an autovacuum worker in the database
	// is a superuser process that a non-superuser may not terminate, and
	// DROP DATABASE stops it by itself.
	if _, err := conn.Exec(ctx,
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND usename = current_user",
		name); err != nil {
		return fmt.Errorf("end connections: %w", err)
	}
	// A plain DROP waits a few seconds for autovacuum to leave; FORCE, tried
	// next, also ends the test role's connections opened since the statement
	// above.
	drop := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize()
	if _, err = conn.Exec(ctx, drop); err != nil {
		_, err = conn.Exec(ctx, drop+" WITH (FORCE)")
	}
	return err
}

// withDatabase returns dsn with its database replaced by name. It accepts
// the URL form (postgres://…) and the keyword/value form (host=… dbname=…).
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		return u.String(), nil
	}
	if _, err := pgx.ParseConfig(dsn); err != nil {
		return "", fmt.Errorf("parse %s: %w", EnvPostgresDSN, err)
	}
	// In the keyword/value form a later keyword wins.
	return dsn + " dbname=" + name, nil
}
