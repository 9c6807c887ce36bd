package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/impact"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/prometheus"
)

func init() { register(newImpactCmd) }

// impactFlags are the options of "hindsight impact".
type impactFlags struct {
	dsn, file, promURL string
}

func newImpactCmd(g *globals) *cobra.Command {
	var f impactFlags
	cmd := &cobra.Command{
		Use:   "impact [INCIDENT-ID]",
		Short: "Measure an incident's impact in Prometheus: SLO figures, budget and response times",
		Long: `Measure an incident's impact in Prometheus (see docs/slo.md) and print it.

With an INCIDENT-ID, measure that incident of the store and save the figures:
the document then shows them. With --file, read a post-mortem document,
measure its incident, fill its "Service Level Impact", "Response Time Metrics"
and "SLO Impact Calculation" sections and write the file back in place
(atomically); everything else in the document stays as it is.

A figure Prometheus could not give reads "not measured: <reason>" and is
reported on stderr as a warning; the rest are filled and the exit code is 0.
Exit code 2: bad usage, no Prometheus URL, an unknown incident, or a file or
store that cannot be read or written.`,
		Example: `  hindsight impact INCIDENT-20250930-0024-highapierrorrate
  hindsight impact INCIDENT-20250930-0024-highapierrorrate --prometheus http://127.0.0.1:9090
  hindsight impact --file postmortem.md --prometheus http://127.0.0.1:9090`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 1 && f.file != "":
				return usageError("give either an INCIDENT-ID or --file, not both")
			case len(args) == 0 && f.file == "":
				return usageError("give an INCIDENT-ID to measure a stored incident, or --file postmortem.md")
			}
			cfg, err := impactConfig(g, f.promURL)
			if err != nil {
				return err
			}
			if f.file != "" {
				return impactFile(cmd.Context(), g, cfg, f.file)
			}
			return impactIncident(cmd, g, cfg, f.dsn, args[0])
		},
	}
	addDBFlag(cmd, &f.dsn)
	cmd.Flags().StringVar(&f.file, "file", "", "a post-mortem Markdown file to fill in place")
	cmd.Flags().StringVar(&f.promURL, "prometheus", "", "Prometheus URL (default $HINDSIGHT_PROMETHEUS_URL, else prometheus.url)")
	return cmd
}

// impactConfig loads the configuration and applies --prometheus; it
// refuses to run without a Prometheus URL.
func impactConfig(g *globals, promURL string) (*config.Config, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	if promURL != "" {
		cfg.Prometheus.URL = promURL
	}
	if cfg.Prometheus.URL == "" {
		return nil, usageError("no Prometheus URL: pass --prometheus URL, or set prometheus.url in hindsight.yaml or HINDSIGHT_PROMETHEUS_URL")
	}
	if _, err := prometheus.New(cfg.Prometheus); err != nil {
		return nil, usageError(hindsight.ErrorMessage(err))
	}
	return cfg, nil
}

// impactIncident measures a stored incident, saves and prints the figures.
func impactIncident(cmd *cobra.Command, g *globals, cfg *config.Config, dsn, id string) error {
	s, err := openResolvedStore(cmd, g, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	c := impact.New(cfg, s, nil)
	r, err := c.ComputeImpact(cmd.Context(), id)
	if err != nil {
		return storeFailure("cannot measure the impact of "+id, err)
	}
	printImpact(g.stdout, g.stderr, r.Impact)
	g.wroteTo()
	if r.NeedsRetry {
		fmt.Fprintf(g.stderr, "hindsight: a figure failed for a transient reason; hindsight serve retries after %s\n",
			r.RetryAfter.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	return nil
}

// impactFile fills a post-mortem file with its incident's measured impact.
func impactFile(ctx context.Context, g *globals, cfg *config.Config, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fileFailure(err)
	}
	pm, err := postmortem.Parse(src)
	if err != nil {
		return storeFailure(path, err)
	}
	req := prometheus.RequestFor(cfg, &pm.Incident, time.Now())
	req.Targets = pm.SLO // measure against the objectives the document states
	imp := impact.New(cfg, nil, nil).Figures(ctx, req)
	pm.Impact = &imp
	var tmpl *postmortem.Template
	if cfg.Template != "" {
		if tmpl, err = postmortem.LoadTemplate(cfg.Template); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, pm, tmpl); err != nil {
		return storeFailure("cannot render "+path, err)
	}
	if err := writeFile(path, buf.Bytes(), true); err != nil {
		return fileFailure(err)
	}
	printImpact(g.stdout, g.stderr, imp)
	fmt.Fprintf(g.stdout, "Wrote %s.\n", path)
	return nil
}

// printImpact writes one line per figure to out and one warning per figure
// not measured to warn.
func printImpact(out, warn io.Writer, imp hindsight.Impact) {
	fmt.Fprintf(out, "Impact from %s to %s\n", imp.Start.UTC().Format("2006-01-02 15:04:05"),
		imp.End.UTC().Format("2006-01-02 15:04:05 UTC"))
	for _, f := range imp.Figures() {
		fmt.Fprintf(out, "  %-22s %s\n", f.Name+":", f.Figure)
		if !f.Figure.Measured {
			fmt.Fprintf(warn, "hindsight: warning: %s %s\n", f.Name, f.Figure)
		}
	}
}

// fileFailure reports a file that cannot be read or written, exit code 2.
func fileFailure(err error) error {
	return &exitCodeError{code: exitError, err: err}
}
