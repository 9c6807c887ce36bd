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
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		fn(t, filepath.Join(t.TempDir(), "hindsight.db"))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		fn(t, FreshPostgresDatabase(t))
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
	adminDSN := RequirePostgres(t)
	var random [8]byte
	if _, err := rand.Read(random[:]); err != nil {
		t.Fatalf("testenv: random database name: %v", err)
	}
	name := "hs_" + hex.EncodeToString(random[:])

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
	// template0 with UTF-8 and a fixed locale, so that every test database
	// behaves alike whatever the cluster's defaults are.
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() +
		" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
	if _, err := conn.Exec(ctx, create); err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(adminDSN, name); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	return dsn
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
