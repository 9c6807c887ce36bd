package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

func init() {
	register(newBackupCmd)
	register(newRestoreCmd)
}

func newBackupCmd(g *globals) *cobra.Command {
	var dsn, out string
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a consistent snapshot of the whole store to a new file, while the server runs",
		Long: `Write a consistent snapshot of the whole store to FILE, which must not exist,
readable by its owner only; the server may keep running.

  SQLite      a SQLite database file made with VACUUM INTO from one read
              transaction: writers go on meanwhile
  PostgreSQL  the JSON backup of "hindsight export --all", with the API token
              hashes and raw notification bodies included (pg_dump is the
              database administrator's alternative)

"hindsight restore --from FILE" loads either kind into an empty store, of
either engine.`,
		Example: `  hindsight backup --out /var/backups/hindsight-$(date +%F).db
  hindsight backup --db postgres://hindsight@db/hindsight --out hindsight-$(date +%F).json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return storeFailure("", hindsight.Errorf(hindsight.EINVALID, "--out FILE is required: the backup is written to a new file"))
			}
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			format, err := s.Backup(cmd.Context(), out)
			if err != nil {
				return storeFailure("backup", err)
			}
			fmt.Fprintf(g.stdout, "%s: %s backup of the %s store\n", out, format, s.Engine())
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().StringVar(&out, "out", "", "the backup file to create (required; must not exist)")
	return cmd
}

func newRestoreCmd(g *globals) *cobra.Command {
	var dsn, from string
	cmd := &cobra.Command{
		Use:   "restore --from FILE",
		Short: "Load a backup (SQLite snapshot or JSON) into an empty store",
		Long: `Load FILE, written by "hindsight backup" (a SQLite snapshot or a JSON
backup) or "hindsight export --all", into the store named by --db, which
must be empty (a new SQLite file, or a PostgreSQL database or schema without
Hindsight data). Everything is loaded in one transaction: on any error
nothing is. A snapshot of an older Hindsight is migrated on a temporary copy
first; the file itself is never changed.`,
		Example: `  hindsight restore --from hindsight-2025-10-01.db --db ./hindsight.db
  hindsight restore --from hindsight-2025-10-01.json --db postgres://hindsight@db/hindsight`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" {
				return storeFailure("", hindsight.Errorf(hindsight.EINVALID, "--from FILE is required"))
			}
			if isBackupFile(from) {
				return importBackup(cmd, g, dsn, from)
			}
			if !isSQLiteFile(from) {
				return storeFailure("", hindsight.Errorf(hindsight.EINVALID, "%s is neither a SQLite snapshot nor a JSON backup of Hindsight", from))
			}
			return restoreSnapshot(cmd, g, dsn, from)
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().StringVar(&from, "from", "", "the backup file to load (required)")
	return cmd
}

// isSQLiteFile reports whether path starts with SQLite's file header.
func isSQLiteFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 16)
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, []byte("SQLite format 3\x00"))
}

// restoreSnapshot copies the snapshot to a temporary file, opens (and so
// migrates) the copy, and streams its export into the target store.
func restoreSnapshot(cmd *cobra.Command, g *globals, dsn, from string) error {
	dir, err := os.MkdirTemp("", "hindsight-restore-")
	if err != nil {
		return storeFailure("restore", err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "snapshot.db")
	if err := copyFile(from, tmp); err != nil {
		return storeFailure("cannot read the snapshot", err)
	}
	src, err := sqlstore.Open(cmd.Context(), tmp)
	if err != nil {
		return storeFailure("cannot open the snapshot", err)
	}
	defer src.Close()
	dst, err := openResolvedStore(cmd, g, dsn)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := pipeStore(cmd.Context(), src, dst); err != nil {
		return storeFailure("restore "+from, err)
	}
	fmt.Fprintf(g.stdout, "restored %s into the %s store\n", from, dst.Engine())
	return nil
}

// pipeStore exports src into dst's Import without holding it in memory.
func pipeStore(ctx context.Context, src, dst *sqlstore.Store) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(src.Export(ctx, pw)) }()
	err := dst.Import(ctx, pr)
	pr.CloseWithError(io.ErrClosedPipe)
	return err
}

// copyFile copies src to the new file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
