package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"
)

func init() { register(newImportCmd) }

func newImportCmd(g *globals) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "import BACKUP.json",
		Short: "Load a JSON backup into an empty store",
		Long: `Load a backup written by "hindsight export" into an empty store, on SQLite or
PostgreSQL, in one transaction: on any error nothing is loaded. A store that
already holds data is refused. "-" reads the backup from stdin.`,
		Example: `  hindsight import --db postgres://hindsight@127.0.0.1/hindsight backup.json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r io.Reader = g.stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return storeFailure("cannot read the backup", err)
				}
				defer f.Close()
				r = f
			}
			dsn, err := resolveDSN(g, dsn)
			if err != nil {
				return err
			}
			s, err := openStore(cmd.Context(), dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Import(cmd.Context(), r); err != nil {
				return storeFailure("import "+args[0], err)
			}
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	return cmd
}
