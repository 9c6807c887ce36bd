package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/hindsight-sre/hindsight"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migrationLockKey names the PostgreSQL advisory lock that migrations hold.
// It is combined with the schema name, so that stores in different schemas
// of one database (such as parallel tests) do not wait for each other.
const migrationLockKey = "hindsight-migrate:"

// migrate applies the pending migrations, each in its own transaction, so a
// failure leaves the schema at the last complete version. Meanwhile it holds
// a lock, so that two instances starting together migrate one after the
// other and the second finds nothing to do: on PostgreSQL a session advisory
// lock, on SQLite an exclusive flock on the file "<db>.migrate.lock" beside
// the database, taken by openSQLite before the first connection (goose's own
// statements run on the store's single write connection, so no SQLite lock
// can be held around them from another one).
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrationFS, "migrations/"+s.d.name)
	if err != nil {
		return err
	}
	unlock, err := s.migrationLock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	p, err := goose.NewProvider(s.d.goose, s.write, fsys)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if err := s.checkVersion(ctx, p); err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migration failed, schema left at the last complete version: %w", s.mapErr(err))
	}
	return nil
}

// checkVersion refuses a database migrated by a newer Hindsight: its schema
// has versions this binary does not know and may not understand.
func (s *Store) checkVersion(ctx context.Context, p *goose.Provider) error {
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		if errors.Is(err, goose.ErrVersionNotFound) {
			return nil
		}
		return s.mapErr(err)
	}
	sources := p.ListSources()
	known := int64(0)
	if len(sources) > 0 {
		known = sources[len(sources)-1].Version
	}
	if current > known {
		return hindsight.Errorf(hindsight.EUNAVAILABLE,
			"the database is at schema version %d but this hindsight knows only up to %d: it was migrated by a newer version; upgrade hindsight", current, known)
	}
	return nil
}

// migrationLock takes the lock that serializes migrations across processes
// and returns the function that releases it.
func (s *Store) migrationLock(ctx context.Context) (func(), error) {
	if s.d.dollar {
		return s.advisoryLock(ctx)
	}
	// SQLite: openSQLite already holds the file lock until Open has migrated.
	return func() {}, nil
}

// advisoryLock takes the migration lock on a dedicated connection and returns
// the function that releases it.
func (s *Store) advisoryLock(ctx context.Context) (func(), error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, s.mapErr(err)
	}
	const lock = "SELECT pg_advisory_lock(hashtextextended($1 || current_schema(), 0))"
	if _, err := conn.ExecContext(ctx, lock, migrationLockKey); err != nil {
		conn.Close()
		return nil, s.mapErr(err)
	}
	return func() {
		const unlock = "SELECT pg_advisory_unlock(hashtextextended($1 || current_schema(), 0))"
		_, _ = conn.ExecContext(context.Background(), unlock, migrationLockKey)
		conn.Close()
	}, nil
}
