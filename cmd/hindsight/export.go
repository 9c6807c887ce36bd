package main

import (
	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
)

func init() { register(newExportCmd) }

func newExportCmd(g *globals) *cobra.Command {
	var dsn, format string
	cmd := &cobra.Command{
		Use:   "export [INCIDENT-ID]",
		Short: "Write the whole store as one JSON backup to stdout",
		Long: `Write everything in the store (incidents, documents, timelines, action items,
sign-offs, history, alert states, notifications, API token hashes) as one JSON
document to stdout, read from one consistent snapshot. "hindsight import"
loads it into an empty store on either engine.`,
		Example: `  hindsight export --db ./hindsight.db --format json > backup.json
  hindsight export --db postgres://hindsight@127.0.0.1/hindsight > backup.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return &exitCodeError{code: exitError, err: hindsight.Errorf(hindsight.EINVALID,
					"exporting a single incident (%s) is not supported yet: run without an INCIDENT-ID to export the whole store", args[0])}
			}
			if format != "json" {
				return storeFailure("", hindsight.Errorf(hindsight.EINVALID, "unknown --format %q: only json is supported", format))
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
			if err := s.Export(cmd.Context(), g.stdout); err != nil {
				return storeFailure("export", err)
			}
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().StringVar(&format, "format", "json", "output format: json")
	return cmd
}
