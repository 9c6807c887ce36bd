package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// ExportOptions choose what of the secrets and evidence an export carries.
type ExportOptions struct {
	// Tokens includes the API tokens' hashes (anyone holding a hash can
	// test guesses against it offline).
	Tokens bool
	// RawBodies includes the raw Alertmanager notification bodies.
	RawBodies bool
}

// apply returns sec as opts want it written.
func (opts ExportOptions) apply(sec section) section {
	switch {
	case sec.key == "api_tokens" && !opts.Tokens:
		sec.query = "SELECT id, " + tokenCols + " FROM api_tokens WHERE 1 = 0"
	case sec.key == "alert_notifications" && !opts.RawBodies:
		scan := sec.scan
		sec.scan = func(sc scanner) (any, error) {
			v, err := scan(sc)
			if n, ok := v.(*hindsight.AlertNotification); ok {
				n.Body = nil
			}
			return v, err
		}
	}
	return sec
}

// Backup formats, as Backup reports them.
const (
	BackupSQLite = "sqlite"
	BackupJSON   = "json"
)

// Backup writes a consistent snapshot of the whole store to the file path,
// which must not exist, readable by its owner only, and returns its format.
// On SQLite it is a database file made with VACUUM INTO from one read
// transaction, so writers go on meanwhile; on PostgreSQL it is the JSON of
// Export, token hashes and raw bodies included. The file appears complete
// or not at all: it is written beside path and renamed.
func (s *Store) Backup(ctx context.Context, path string) (string, error) {
	if _, err := os.Lstat(path); err == nil {
		return "", hindsight.Errorf(hindsight.ECONFLICT, "%s already exists: choose a new file name", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", hindsight.Errorf(hindsight.EINVALID, "cannot use %s: %v", path, err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	_ = os.Remove(tmp)
	format, err := s.backupTo(ctx, tmp)
	if err == nil {
		err = syncFile(tmp)
	}
	if err == nil {
		err = os.Link(tmp, path) // fails if path appeared meanwhile
	}
	os.Remove(tmp)
	if err != nil {
		return "", err
	}
	return format, nil
}

// backupTo writes the snapshot to tmp.
func (s *Store) backupTo(ctx context.Context, tmp string) (string, error) {
	if s.d.dollar {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return "", hindsight.Errorf(hindsight.EINVALID, "cannot create the backup: %v", err)
		}
		err = s.Export(ctx, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return BackupJSON, err
	}
	// VACUUM INTO runs on a read connection: one read transaction, a
	// consistent snapshot, without holding the single writer.
	if _, err := s.read.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		if strings.Contains(err.Error(), "readonly") || strings.Contains(err.Error(), "read-only") {
			_, err = s.write.ExecContext(ctx, "VACUUM INTO ?", tmp)
		}
		if err != nil {
			return "", fmt.Errorf("VACUUM INTO %s: %w", tmp, s.mapErr(err))
		}
	}
	return BackupSQLite, os.Chmod(tmp, 0o600)
}

// syncFile flushes the file to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
