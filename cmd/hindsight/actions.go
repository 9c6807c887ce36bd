package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/review"
)

func init() {
	register(newActionsCmd)
	register(newFollowUpCmd)
}

func newActionsCmd(g *globals) *cobra.Command {
	var dsn, format string
	var f actionFilter
	cmd := &cobra.Command{
		Use:   "actions",
		Short: "List corrective actions across incidents, overdue first",
		Long: `List corrective actions across incidents: overdue ones first, then by due
date. An item is overdue when it is open or in progress after its due day.
Exit status: 0 on success, 2 on usage or store errors.`,
		Example: `  hindsight actions --overdue
  hindsight actions --owner @ana --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return actionsUsageError("--format %q: use table or json", format)
			}
			return f.run(cmd, g, dsn, func(svc *review.Service, q hindsight.ActionQuery) error {
				items, total, err := svc.ListActions(cmd.Context(), q)
				if err != nil {
					return storeFailure("cannot list action items", err)
				}
				if format == "json" {
					return writeActionsJSON(g.stdout, items, total, q.Page)
				}
				return writeActionsTable(g.stdout, items, svc)
			})
		},
	}
	f.addFlags(cmd)
	cmd.Flags().IntVar(&f.q.Limit, "limit", hindsight.MaxPageLimit, "at most this many items")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	addDBFlag(cmd, &dsn)
	return cmd
}

// actionFilter is the filter flags that "actions" and "report actions"
// share, and how both read the items.
type actionFilter struct {
	q      hindsight.ActionQuery
	status string
}

func (f *actionFilter) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.q.Overdue, "overdue", false, "only the items overdue now")
	fl.StringVar(&f.q.Owner, "owner", "", "only the items of this owner, such as @ana")
	fl.StringVar(&f.status, "status", "", "only the items in this status: open, in_progress, done or wont_do")
	fl.StringVar(&f.q.IncidentID, "incident", "", "only the items of this incident")
}

// run checks the filter, opens the store at dsn and calls fn with the
// review service over it and the query.
func (f *actionFilter) run(cmd *cobra.Command, g *globals, dsn string, fn func(*review.Service, hindsight.ActionQuery) error) error {
	if err := setActionStatus(&f.q, f.status); err != nil {
		return err
	}
	s, err := openResolvedStore(cmd, g, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(review.NewService(s, hindsight.DefaultSignOffPolicy()), f.q)
}

// actionsUsageError is a usage error with exit code 2.
func actionsUsageError(format string, args ...any) error {
	return &exitCodeError{code: exitError, err: hindsight.Errorf(hindsight.EINVALID, format, args...)}
}

// writeActionsTable prints one row per item; overdue items are marked.
func writeActionsTable(w io.Writer, items []*hindsight.ActionItem, svc *review.Service) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, "No action items.")
		return err
	}
	now := svc.Clock()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDUE\tSTATUS\tOWNER\tINCIDENT\tTITLE")
	for _, a := range items {
		due := "-"
		if !a.DueDate.IsZero() {
			due = a.DueDate.Format("2006-01-02")
		}
		if a.Overdue(now) {
			due += " OVERDUE"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", a.ID, due, a.Status, dash(a.Owner), a.IncidentID, a.Title)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeActionsJSON prints the list as the API does.
func writeActionsJSON(w io.Writer, items []*hindsight.ActionItem, total int, p hindsight.Page) error {
	if items == nil {
		items = []*hindsight.ActionItem{}
	}
	p = p.Normalize()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"items": items, "total": total, "offset": p.Offset, "limit": p.Limit})
}

func newFollowUpCmd(g *globals) *cobra.Command {
	var dsn, format string
	cmd := &cobra.Command{
		Use:   "followup INCIDENT-ID",
		Short: "Compute and store the 30-day follow-up metrics of a resolved incident",
		Long: `Compute the seed's "Follow-up Metrics (30 days post-incident)" of a resolved
incident now, store them for its document, and print them: similar incidents
since the resolution (same alert name, or same service and symptom), how their
time to detect and to resolve compares, and the action-item completion rate.
docs/review.md defines each figure. Exit status: 0 on success, 2 on errors.`,
		Example: `  hindsight followup INCIDENT-20250930-0024-highapierrorrate`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return actionsUsageError("--format %q: use text or json", format)
			}
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			f, err := review.NewService(s, hindsight.DefaultSignOffPolicy()).ComputeFollowUp(cmd.Context(), args[0])
			if err != nil {
				return storeFailure("cannot compute the follow-up", err)
			}
			g.wroteTo()
			if format == "json" {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(f)
			}
			return writeFollowUp(g.stdout, f)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	addDBFlag(cmd, &dsn)
	return cmd
}

// writeFollowUp prints the follow-up as the document's four lines.
func writeFollowUp(w io.Writer, f *hindsight.FollowUp) error {
	pct := func(p *float64) string {
		if p == nil {
			return "n/a"
		}
		return fmt.Sprintf("%.1f%%", *p)
	}
	fmt.Fprintf(w, "Follow-up of %s (%s to %s)\n", f.IncidentID, f.Since.Format("2006-01-02 15:04"), f.Until.Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "Similar incidents since resolution: %d\n", len(f.Similar))
	for _, s := range f.Similar {
		fmt.Fprintf(w, "  %s (%s)\n", s.ID, s.Match)
	}
	fmt.Fprintf(w, "Detection time improved by: %s\n", pct(f.DetectionImprovement))
	fmt.Fprintf(w, "Recovery time improved by: %s\n", pct(f.RecoveryImprovement))
	_, err := fmt.Fprintf(w, "Action items completion rate: %s (%d of %d done)\n", pct(f.CompletionRate), f.ActionsDone, f.ActionsCounted)
	return err
}

// setActionStatus applies the --status flag of the action commands to q;
// empty leaves every status. A status that does not exist exits 2.
func setActionStatus(q *hindsight.ActionQuery, status string) error {
	if status == "" {
		return nil
	}
	st, err := hindsight.ParseActionStatus(status)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	q.Status = st
	return nil
}
