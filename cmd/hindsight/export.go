package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight/sqlstore"
)

func init() { register(newExportCmd) }

func newExportCmd(g *globals) *cobra.Command {
	var dsn, format, graphsDir string
	var all, includeRaw bool
	cmd := &cobra.Command{
		Use:   "export [INCIDENT-ID | --all]",
		Short: "Write one post-mortem as Markdown, HTML or JSON, or with --all the whole store as JSON",
		Long: `With an INCIDENT-ID, write that incident's post-mortem to stdout:
  --format md    the Markdown document, rendered from the stored incident,
                 timeline, action items, sign-offs and narrative
  --format html  a standalone, sanitized, printable HTML page of that document
                 (no scripts, no external resources; graphs inline)
  --format json  the post-mortem as JSON (see docs/import-export.md)

With --all, write everything in the store (incidents, documents, timelines,
action items, sign-offs, history, alert states, notifications, impacts,
follow-ups, import sources, reminders sent) as one JSON document, read from
one consistent snapshot; "hindsight import" or "hindsight restore" loads it
into an empty store on either engine. It never carries API token hashes or
web UI sessions (a store restored from it needs new tokens: "hindsight token
create"), and carries the raw Alertmanager bodies only with --include-raw.
For a backup that keeps the tokens, use "hindsight backup --out FILE".

Without an INCIDENT-ID and without --all nothing is written.`,
		Example: `  hindsight export INCIDENT-20250930-0024-highapierrorrate --format html > outage.html
  hindsight export INCIDENT-20250930-0024-highapierrorrate --format md --graphs-dir postmortems > postmortems/outage.md
  hindsight export --all --db ./hindsight.db > store.json
  hindsight export --all --include-raw --db postgres://hindsight@127.0.0.1/hindsight > store.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 1 && all:
				return usageError("give an INCIDENT-ID or --all, not both")
			case len(args) == 1:
				if includeRaw {
					return usageError("--include-raw goes with --all: a post-mortem never carries raw alert bodies")
				}
				return exportPostmortem(cmd, g, dsn, args[0], format, graphsDir)
			case !all:
				return usageError("name the incident to export (hindsight export INCIDENT-ID), or export the whole store with --all; hindsight incidents are listed by the web UI and GET /api/v1/incidents")
			case format != "json":
				return usageError(fmt.Sprintf("--format %s needs an INCIDENT-ID: --all writes JSON only", format))
			}
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.ExportWith(cmd.Context(), g.stdout, sqlstore.ExportOptions{RawBodies: includeRaw}); err != nil {
				return storeFailure("export", err)
			}
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().StringVar(&format, "format", "json", "output format: md, html or json with an INCIDENT-ID; json with --all")
	cmd.Flags().BoolVar(&all, "all", false, "export the whole store as JSON (without API token hashes or sessions)")
	cmd.Flags().BoolVar(&includeRaw, "include-raw", false, "with --all, include the raw Alertmanager notification bodies")
	cmd.Flags().StringVar(&graphsDir, "graphs-dir", "", "with an INCIDENT-ID, also write its graphs as the document references them: DIR/INCIDENT-ID/error-ratio.svg (and .png where rsvg-convert or inkscape is installed)")
	return cmd
}
