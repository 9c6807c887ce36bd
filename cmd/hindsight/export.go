package main

import (
	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
)

func init() { register(newExportCmd) }

func newExportCmd(g *globals) *cobra.Command {
	var dsn, format, graphsDir string
	cmd := &cobra.Command{
		Use:   "export [INCIDENT-ID]",
		Short: "Write one post-mortem as Markdown, HTML or JSON, or the whole store as a JSON backup",
		Long: `With an INCIDENT-ID, write that incident's post-mortem to stdout:
  --format md    the Markdown document, rendered from the stored incident,
                 timeline, action items, sign-offs and narrative
  --format html  a standalone, sanitized, printable HTML page of that document
                 (no scripts, no external resources; graphs inline)
  --format json  the post-mortem as JSON (see docs/import-export.md)

Without an INCIDENT-ID, write everything in the store (incidents, documents,
timelines, action items, sign-offs, history, alert states, notifications, API
token hashes, impacts, follow-ups, import sources, reminders sent) as one JSON
backup, read from one consistent snapshot; "hindsight import" loads it into
an empty store on either engine. Web UI sessions are left out: a restore
signs everyone out. Only --format json is possible then.`,
		Example: `  hindsight export INCIDENT-20250930-0024-highapierrorrate --format html > outage.html
  hindsight export INCIDENT-20250930-0024-highapierrorrate --format md --graphs-dir postmortems > postmortems/outage.md
  hindsight export --db ./hindsight.db --format json > backup.json
  hindsight export --db postgres://hindsight@127.0.0.1/hindsight > backup.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return exportPostmortem(cmd, g, dsn, args[0], format, graphsDir)
			}
			if format != "json" {
				return storeFailure("", hindsight.Errorf(hindsight.EINVALID,
					"--format %s needs an INCIDENT-ID: the whole store is exported as a JSON backup only (--format json)", format))
			}
			s, err := openResolvedStore(cmd, g, dsn)
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
	cmd.Flags().StringVar(&format, "format", "json", "output format: md, html or json with an INCIDENT-ID; json without")
	cmd.Flags().StringVar(&graphsDir, "graphs-dir", "", "with an INCIDENT-ID, also write its graphs as the document references them: DIR/INCIDENT-ID/error-ratio.svg (and .png where rsvg-convert or inkscape is installed)")
	return cmd
}
