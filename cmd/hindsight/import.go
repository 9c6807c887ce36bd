package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"

	"github.com/spf13/cobra"
)

func init() { register(newImportCmd) }

func newImportCmd(g *globals) *cobra.Command {
	var dsn, severity string
	cmd := &cobra.Command{
		Use:   "import FILE|DIR…",
		Short: "Import Markdown post-mortems, or load a JSON backup into an empty store",
		Long: `Import post-mortems written in Markdown: each FILE, and every *.md and
*.markdown file under each DIR (other files are reported as skipped). Each
file is parsed and stored (incident, narrative, timeline, action items,
sign-offs) in one transaction, so a file is either stored whole or not at
all. Importing the same file again changes nothing ("skipped (unchanged)");
a file that changed since its last import updates the stored incident
("updated"), changing only what the edit changed (stored seconds and
owners' handles are kept); an APPROVED or ARCHIVED post-mortem refuses
changes. The file is kept: "hindsight export ID --format md" gives it back
byte for byte, with later changes in Hindsight applied to their lines. A
file that cannot be imported is reported as "PATH: what is wrong" on stderr
and the others are still imported. The summary at the end
counts created, updated, skipped and failed files; the exit code is 0 when
nothing failed and 2 when any file failed.

A single JSON backup written by "hindsight export" (recognised by its
content, whatever its name; "-" reads it from stdin) is loaded into an empty
store instead, in one transaction: on any error nothing is loaded.`,
		Example: `  hindsight import ./postmortems
  hindsight import --db ./hindsight.db 2024-10-01-outage.md 2024-11-12-latency.md
  hindsight import --db postgres://hindsight@127.0.0.1/hindsight backup.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && (args[0] == "-" || isBackupFile(args[0])) {
				return importBackup(cmd, g, dsn, args[0])
			}
			return importMarkdown(cmd, g, dsn, severity, args)
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().StringVar(&severity, "default-severity", "SEV3", "severity of imported documents that name none (other layouts)")
	return cmd
}

// importBackup loads a JSON backup ("-" for stdin) into an empty store.
func importBackup(cmd *cobra.Command, g *globals, dsn, path string) error {
	var r io.Reader = g.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return storeFailure("cannot read the backup", err)
		}
		defer f.Close()
		r = f
	}
	s, err := openResolvedStore(cmd, g, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Import(cmd.Context(), r); err != nil {
		return storeFailure("import "+path, err)
	}
	return nil
}

// backupFormat is the "format" that a JSON backup names as its first key.
const backupFormat = "hindsight-backup"

// isBackupFile reports whether path holds a JSON backup: a JSON object whose
// first member is "format": "hindsight-backup". Only the first tokens are
// read, so a large backup or a Markdown file costs one small read.
func isBackupFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return isBackup(bufio.NewReaderSize(f, 512))
}

// isBackup reports whether r starts like a JSON backup.
func isBackup(r io.Reader) bool {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		if key != "format" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return false
			}
			continue
		}
		val, err := dec.Token()
		return err == nil && val == backupFormat
	}
	return false
}
