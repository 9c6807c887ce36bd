package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func init() { register(newNewCmd) }

// newOptions are the flags of "hindsight new".
type newOptions struct {
	alert, severity, author, start, summary, description string
	services, regions                                    []string
	fromAlertmanager, out, template, generatedAt         string
	force                                                bool
}

func newNewCmd(g *globals) *cobra.Command {
	o := &newOptions{}
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Generate a post-mortem draft from an alert",
		Long: `Generate a post-mortem draft in the standard format from an alert: from flags,
or from an Alertmanager webhook payload (--from-alertmanager FILE, "-" for stdin).
Flags given explicitly win over the payload. The document is written to
--out DIR (default postmortems/) as YYYY-MM-DD-<alert>.md, or to stdout with --out -.`,
		Example: `  hindsight new --alert HighAPIErrorRate --severity SEV2 --author parallels \
    --start "2025-09-30 00:24" --summary "API 5xx error rate exceeded threshold during peak hours" \
    --service api --service database --service load-balancer
  hindsight new --from-alertmanager payload.json --out -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNew(cmd, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.alert, "alert", "", "alert name, such as HighAPIErrorRate")
	f.StringVar(&o.severity, "severity", "", "severity SEV1 to SEV5 (default: from the payload's labels, else SEV3)")
	f.StringVar(&o.author, "author", "", "author's handle (default: config author, else $USER)")
	f.StringVar(&o.start, "start", "", `incident start, RFC 3339 or "YYYY-MM-DD HH:MM" in UTC (default: now)`)
	f.StringVar(&o.summary, "summary", "", "one line: what happened")
	f.StringVar(&o.description, "description", "", "longer description of the alert")
	f.StringArrayVar(&o.services, "service", nil, "affected service (repeatable, or a comma list)")
	f.StringArrayVar(&o.regions, "region", nil, "affected region (repeatable, or a comma list)")
	f.StringVar(&o.fromAlertmanager, "from-alertmanager", "", `Alertmanager webhook payload file, "-" for stdin`)
	f.StringVar(&o.out, "out", "postmortems", `output directory, "-" for stdout`)
	f.BoolVar(&o.force, "force", false, "overwrite an existing document")
	f.StringVar(&o.template, "template", "", "a team's own text/template file (default: config template, else built-in)")
	f.StringVar(&o.generatedAt, "generated-at", "", "time written as 'generated on' (default: now; for reproducible output)")
	_ = f.MarkHidden("generated-at")
	return cmd
}

func runNew(cmd *cobra.Command, g *globals, o *newOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if o.generatedAt != "" {
		if now, err = hindsight.ParseTime(o.generatedAt); err != nil {
			return fmt.Errorf("--generated-at: %w", err)
		}
	}
	inc, err := o.incident(cmd, g, cfg, now)
	if err != nil {
		return err
	}
	tmpl, err := o.loadTemplate(cfg)
	if err != nil {
		return err
	}
	pm := postmortem.NewDraft(inc, postmortem.DraftOptions{
		Author: inc.Author, Version: version, Now: now, SLO: cfg.SLOFor(&inc),
	})
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, pm, tmpl); err != nil {
		return err
	}
	if o.out == "-" {
		_, err := g.stdout.Write(buf.Bytes())
		return err
	}
	path := filepath.Join(o.out, hindsight.DocumentFileName(inc.StartedAt, inc.AlertName))
	if err := writeFileAtomic(path, buf.Bytes(), o.force); err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, path)
	return nil
}

// incident builds the incident from the payload, if any, then the flags.
func (o *newOptions) incident(cmd *cobra.Command, g *globals, cfg *config.Config, now time.Time) (hindsight.Incident, error) {
	inc := hindsight.Incident{Status: hindsight.IncidentInvestigating, StartedAt: now, Severity: cfg.Severity.Default}
	if o.fromAlertmanager != "" {
		msg, err := readPayload(g.stdin, o.fromAlertmanager)
		if err != nil {
			return inc, err
		}
		inc = mapping(cfg).Incident(msg)
	}
	changed := cmd.Flags().Changed
	if changed("alert") {
		inc.AlertName, inc.Title = o.alert, o.alert
	}
	if inc.AlertName == "" {
		return inc, hindsight.Errorf(hindsight.EINVALID, "no alert name: give --alert NAME or --from-alertmanager FILE")
	}
	if changed("severity") {
		sev, err := hindsight.ParseSeverity(o.severity)
		if err != nil {
			return inc, err
		}
		inc.Severity = sev
	}
	if !inc.Severity.Valid() {
		inc.Severity = hindsight.SEV3
	}
	if changed("start") {
		t, err := hindsight.ParseTime(o.start)
		if err != nil {
			return inc, fmt.Errorf("--start: %w", err)
		}
		inc.StartedAt = t
	}
	o.applyText(cmd, &inc, cfg)
	inc.ID = hindsight.IncidentID(inc.StartedAt, inc.AlertName)
	return inc, nil
}

// applyText applies the free-text and list flags given explicitly.
func (o *newOptions) applyText(cmd *cobra.Command, inc *hindsight.Incident, cfg *config.Config) {
	changed := cmd.Flags().Changed
	if changed("summary") {
		inc.Summary = o.summary
	}
	if changed("description") {
		inc.Description = o.description
	}
	if changed("service") {
		inc.Services = hindsight.SplitList(o.services...)
	}
	if changed("region") {
		inc.Regions = hindsight.SplitList(o.regions...)
	}
	inc.Author = firstNonEmpty(o.author, cfg.Author, os.Getenv("USER"), "author")
}

// loadTemplate returns --template, else the configured template, else nil
// for the built-in one.
func (o *newOptions) loadTemplate(cfg *config.Config) (*postmortem.Template, error) {
	path := firstNonEmpty(o.template, cfg.Template)
	if path == "" {
		return nil, nil
	}
	return postmortem.LoadTemplate(path)
}

// readPayload reads and decodes an Alertmanager payload from a file or stdin.
func readPayload(stdin io.Reader, name string) (*alertmanager.Message, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read the Alertmanager payload: %w", err)
		}
		defer f.Close()
		r = f
	}
	msg, err := alertmanager.Decode(r, alertmanager.DefaultLimit)
	if err != nil {
		return nil, fmt.Errorf("%s is not a usable Alertmanager webhook payload: %s", displayName(name), hindsight.ErrorMessage(err))
	}
	return msg, nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// writeFileAtomic writes a new document to path (writeFile), creating its
// directory. Without force an existing file is kept and reported.
func writeFileAtomic(path string, data []byte, force bool) error {
	dir := filepath.Dir(path)
	if err := makeOutputDir(dir); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("%s already exists: use --force to overwrite it, or --out to write elsewhere", path)
	}
	if err := writeFile(path, data, force); err != nil {
		return fmt.Errorf("cannot write %s: %w (choose another directory with --out)", path, err)
	}
	return nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// makeOutputDir creates dir when it is missing, but only its last level:
// a mistyped --out (/nonexistent/dir, or a path under someone else's tree)
// fails with a message rather than creating a tree of directories.
func makeOutputDir(dir string) error {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("--out %s is not a directory", dir)
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot create the output directory %s: its parent %s does not exist (create it first, or choose another --out)", dir, parent)
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		return fmt.Errorf("cannot create the output directory %s: %w (choose another with --out)", dir, err)
	}
	return nil
}
