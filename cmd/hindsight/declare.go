package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/review"
)

func init() { register(newDeclareCmd) }

func newDeclareCmd(g *globals) *cobra.Command {
	var dsn, severity, started, as string
	var d hindsight.Declaration
	var services, regions []string
	cmd := &cobra.Command{
		Use:   "declare --title TITLE --severity SEV",
		Short: "Declare an incident by hand, such as a customer-reported outage no alert saw",
		Long: `Declare an incident in the store the server uses (resolved as "serve" does:
--db, $HINDSIGHT_DB, server.db of --config, $HINDSIGHT_CONFIG or
./hindsight.yaml, else ./hindsight.db). Its ID follows the alerts' rule
(INCIDENT-YYYYMMDD-HHMM-slug); at or above severity.draft_min_severity it gets
a draft post-mortem. Prints the ID. Exit status: 0 on success, 2 on errors.`,
		Example: `  hindsight declare --title "Checkout errors reported by customers" --severity SEV2 --service checkout
  hindsight declare --title "Login outage" --severity SEV1 --started-at 2025-09-30T00:24:00Z --as @ana`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sev, err := hindsight.ParseSeverity(severity)
			if err != nil {
				return &exitCodeError{code: exitError, err: err}
			}
			d.Severity, d.Services, d.Regions = sev, hindsight.SplitList(services...), hindsight.SplitList(regions...)
			if started != "" {
				if d.StartedAt, err = hindsight.ParseTime(started); err != nil {
					return &exitCodeError{code: exitError, err: fmt.Errorf("--started-at %q: use an RFC 3339 time such as 2025-09-30T00:24:00Z", started)}
				}
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			svc := review.NewService(s, cfg.Review.Policy())
			svc.NewDraft, svc.DraftMinSeverity = documentPolicy(cfg, nil, nil).Draft, cfg.Severity.DraftMinSeverity
			who := hindsight.Identity{Name: hindsight.HandleName(firstNonEmpty(as, cfg.Author, os.Getenv("USER"), "cli")), Role: hindsight.RoleAdmin, Method: "cli"}
			inc, err := svc.DeclareIncident(hindsight.NewContextWithIdentity(cmd.Context(), who), d)
			if err != nil {
				return storeFailure("cannot declare the incident", err)
			}
			g.wroteTo()
			fmt.Fprintln(g.stdout, inc.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.Title, "title", "", "what happened, in a few words (required)")
	f.StringVar(&severity, "severity", "", "SEV1 to SEV5 (required)")
	f.StringVar(&started, "started-at", "", "when it started, RFC 3339 (default now)")
	f.StringVar(&d.Summary, "summary", "", "one line: what happened")
	f.StringSliceVar(&services, "service", nil, "an affected service (repeat or comma-separate)")
	f.StringSliceVar(&regions, "region", nil, "an affected region (repeat or comma-separate)")
	f.StringVar(&as, "as", "", "who declares it, a handle (default: the config's author, else $USER)")
	_ = cmd.MarkFlagRequired("title")
	_ = cmd.MarkFlagRequired("severity")
	addDBFlag(cmd, &dsn)
	return cmd
}
