package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/report"
	"github.com/hindsight-sre/hindsight/review"
)

func init() {
	register(newReportCmd)
}

func newReportCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write an audit report of incidents or action items as CSV or JSON",
		Long: `Write every incident or action item the filters select, one row each, as
CSV (RFC 4180, a header row, cells neutralised against spreadsheet formulas)
or JSON: the same reports as GET /api/v1/reports/incidents.csv and
/api/v1/reports/actions.csv. docs/reports.md lists the columns.
Exit status: 0 on success, 2 on usage or store errors.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newReportIncidentsCmd(g), newReportActionsCmd(g))
	return cmd
}

// incidentReportFlags are the incident list's filters as flags.
type incidentReportFlags struct {
	status, severity, service, docStatus, from, to string
}

// filter checks the flags and returns the filter, naming every bad one.
func (o incidentReportFlags) filter() (hindsight.IncidentFilter, error) {
	var f hindsight.IncidentFilter
	var v hindsight.Validation
	if o.status != "" {
		if f.Status = hindsight.IncidentStatus(strings.ToUpper(o.status)); !f.Status.Valid() {
			v.Add("--incident-status", "must be UNDER INVESTIGATION, MITIGATED or RESOLVED, got %q", o.status)
		}
	}
	if o.severity != "" {
		sev, err := hindsight.ParseSeverity(o.severity)
		if err != nil {
			v.Add("--severity", "must be SEV1 to SEV5, got %q", o.severity)
		}
		f.Severity = sev
	}
	f.Service = strings.TrimSpace(o.service)
	if o.docStatus != "" {
		f.PostmortemStatus = hindsight.DocumentStatus(strings.ToUpper(o.docStatus))
		if !f.PostmortemStatus.Valid() && f.PostmortemStatus != hindsight.PostmortemNone {
			v.Add("--doc-status", "must be DRAFT, UNDER REVIEW, APPROVED, ARCHIVED or NONE, got %q", o.docStatus)
		}
	}
	f.StartedFrom = reportTime(&v, "--from", o.from)
	f.StartedTo = reportTime(&v, "--to", o.to)
	return f, v.Err("report")
}

// reportTime reads a time flag; "" is the zero time.
func reportTime(v *hindsight.Validation, flag, val string) time.Time {
	if val == "" {
		return time.Time{}
	}
	t, err := hindsight.ParseTime(val)
	if err != nil {
		v.Add(flag, "must be a time such as 2025-09-30T00:00:00Z, got %q", val)
	}
	return t
}

func newReportIncidentsCmd(g *globals) *cobra.Command {
	var dsn, format string
	var o incidentReportFlags
	cmd := &cobra.Command{
		Use:   "incidents",
		Short: "One row per incident: severity, times, response times, budget, post-mortem status, approval",
		Example: `  hindsight report incidents --format csv > incidents.csv
  hindsight report incidents --from 2025-01-01T00:00:00Z --to 2025-04-01T00:00:00Z --severity SEV1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "csv" && format != "json" {
				return actionsUsageError("--format %q: use csv or json", format)
			}
			f, err := o.filter()
			if err != nil {
				return &exitCodeError{code: exitError, err: err}
			}
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			rows, err := report.Incidents(cmd.Context(), s, f)
			if err != nil {
				return storeFailure("cannot build the incident report", err)
			}
			if format == "json" {
				return report.WriteJSON(g.stdout, rows)
			}
			return report.WriteIncidentsCSV(g.stdout, rows)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "csv", "output format: csv or json")
	fl.StringVar(&o.status, "incident-status", "", "only incidents in this status: UNDER INVESTIGATION, MITIGATED or RESOLVED")
	fl.StringVar(&o.severity, "severity", "", "only incidents of this severity, SEV1 to SEV5")
	fl.StringVar(&o.service, "service", "", "only incidents that list this service")
	fl.StringVar(&o.docStatus, "doc-status", "", "only incidents whose post-mortem is in this status (NONE: without one)")
	fl.StringVar(&o.from, "from", "", "only incidents started at or after this time (RFC 3339)")
	fl.StringVar(&o.to, "to", "", "only incidents started before this time (RFC 3339)")
	addDBFlag(cmd, &dsn)
	return cmd
}

func newReportActionsCmd(g *globals) *cobra.Command {
	var dsn, format string
	var f actionFilter
	cmd := &cobra.Command{
		Use:   "actions",
		Short: "One row per action item: owner, due date, status, tracker link, completion",
		Example: `  hindsight report actions --format csv > actions.csv
  hindsight report actions --overdue --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "csv" && format != "json" {
				return actionsUsageError("--format %q: use csv or json", format)
			}
			return f.run(cmd, g, dsn, func(svc *review.Service, q hindsight.ActionQuery) error {
				rows, err := report.Actions(cmd.Context(), svc, q, svc.Clock())
				if err != nil {
					return storeFailure("cannot build the action report", err)
				}
				if format == "json" {
					return report.WriteJSON(g.stdout, rows)
				}
				return report.WriteActionsCSV(g.stdout, rows)
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "output format: csv or json")
	f.addFlags(cmd)
	addDBFlag(cmd, &dsn)
	return cmd
}
