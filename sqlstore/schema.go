package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/hindsight-sre/hindsight"
)

// Migration is one embedded schema migration and whether the store has it.
type Migration struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// SchemaStatus is the store's schema version beside the binary's: what
// "hindsight migrate status" prints.
type SchemaStatus struct {
	// Current is the highest version applied; 0 for an empty database.
	Current int64
	// Latest is the highest version this binary embeds.
	Latest     int64
	Migrations []Migration
}

// Pending counts the migrations not applied yet.
func (st SchemaStatus) Pending() int {
	n := 0
	for _, m := range st.Migrations {
		if !m.Applied {
			n++
		}
	}
	return n
}

// IsPostgres reports whether dsn names a PostgreSQL store.
func IsPostgres(dsn string) bool { return isPostgres(dsn) }

// SQLitePath returns the file a SQLite DSN names ("" is DefaultDSN).
func SQLitePath(dsn string) string { return sqlitePath(dsn) }

// OpenUnmigrated opens the store named by dsn without applying
// migrations, for "hindsight migrate" and upgrade tests: call
// MigrationStatus, MigrateUp or MigrateTo on it. Its services expect the
// latest schema. A SQLite file that does not exist is not created
// (ENOTFOUND).
func OpenUnmigrated(ctx context.Context, dsn string) (*Store, error) {
	if isPostgres(dsn) {
		s, err := openPostgres(ctx, dsn)
		if err != nil {
			return nil, openError(dsn, err)
		}
		return s, nil
	}
	if _, err := os.Stat(sqlitePath(dsn)); errors.Is(err, fs.ErrNotExist) {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no store at %s: the file does not exist", sqlitePath(dsn))
	}
	s, unlock, err := openSQLite(ctx, dsn)
	if unlock != nil {
		unlock()
	}
	if err != nil {
		return nil, openError(dsn, err)
	}
	return s, nil
}

// OpenExisting opens a store that exists and is at the latest schema,
// changing nothing: no file is created and no migration applied. Shell
// completion reads through it. EUNAVAILABLE when migrations are pending.
func OpenExisting(ctx context.Context, dsn string) (*Store, error) {
	s, err := OpenUnmigrated(ctx, dsn)
	if err != nil {
		return nil, err
	}
	p, err := s.provider()
	if err == nil {
		var pending bool
		if pending, err = p.HasPending(ctx); err == nil && pending {
			err = hindsight.Errorf(hindsight.EUNAVAILABLE, "the store has migrations pending: run hindsight migrate up")
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// provider returns the goose provider of the store's engine.
func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFS, "migrations/"+s.d.name)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(s.d.goose, s.write, fsys)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// MigrationStatus lists every embedded migration and whether the store has
// applied it. On a database that has never been migrated it creates only
// goose's version table.
func (s *Store) MigrationStatus(ctx context.Context) (SchemaStatus, error) {
	var st SchemaStatus
	p, err := s.provider()
	if err != nil {
		return st, err
	}
	ms, err := p.Status(ctx)
	if err != nil {
		return st, s.mapErr(err)
	}
	for _, m := range ms {
		st.Migrations = append(st.Migrations, Migration{Version: m.Source.Version, Name: filepath.Base(m.Source.Path),
			Applied: m.State == goose.StateApplied, AppliedAt: m.AppliedAt.UTC()})
		st.Latest = max(st.Latest, m.Source.Version)
	}
	if st.Current, err = p.GetDBVersion(ctx); err != nil && !errors.Is(err, goose.ErrVersionNotFound) {
		return st, s.mapErr(err)
	}
	return st, nil
}

// MigrateUp applies every pending migration, as Open does, under the same
// lock, and returns the versions it applied.
func (s *Store) MigrateUp(ctx context.Context) ([]int64, error) {
	return s.MigrateTo(ctx, -1)
}

// MigrateTo applies the pending migrations up to version (all of them when
// version is negative), each in its own transaction, under the migration
// lock. Upgrade tests use it to build a database of an earlier release.
func (s *Store) MigrateTo(ctx context.Context, version int64) ([]int64, error) {
	unlock, err := s.lockMigrations(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	if err := s.checkVersion(ctx, p); err != nil {
		return nil, err
	}
	var res []*goose.MigrationResult
	if version < 0 {
		res, err = p.Up(ctx)
	} else {
		res, err = p.UpTo(ctx, version)
	}
	var applied []int64
	for _, r := range res {
		if r.Error == nil {
			applied = append(applied, r.Source.Version)
		}
	}
	if err != nil {
		return applied, fmt.Errorf("migration failed, schema left at the last complete version: %w", s.mapErr(err))
	}
	return applied, nil
}

// lockMigrations takes the lock that Open holds while it migrates: the
// advisory lock on PostgreSQL, the file lock beside a SQLite database.
func (s *Store) lockMigrations(ctx context.Context) (func(), error) {
	if s.d.dollar {
		return s.advisoryLock(ctx)
	}
	unlock, err := lockFile(s.path + ".migrate.lock")
	if err != nil {
		return nil, hindsight.Errorf(hindsight.EUNAVAILABLE, "cannot lock %s.migrate.lock: %v", s.path, err)
	}
	return unlock, nil
}

// Pools returns the store's connection pools by name ("write" and "read"
// on SQLite, "main" on PostgreSQL, where both are one pool), for the
// connection pool metrics.
func (s *Store) Pools() map[string]*sql.DB {
	if s.write == s.read {
		return map[string]*sql.DB{"main": s.write}
	}
	return map[string]*sql.DB{"write": s.write, "read": s.read}
}
