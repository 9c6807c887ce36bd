package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// IncidentColumns are the header of the incident CSV, in order.
var IncidentColumns = []string{"id", "title", "severity", "status", "services", "started_at", "resolved_at",
	"time_to_detect_minutes", "time_to_acknowledge_minutes", "time_to_mitigate_minutes", "time_to_resolve_minutes",
	"budget_consumed_percent", "error_budget_consumed_percent", "postmortem_status", "approved_by", "approved_at"}

// ActionColumns are the header of the action CSV, in order.
var ActionColumns = []string{"id", "incident_id", "title", "owner", "due_date", "status", "overdue", "tracker_url", "completed_at"}

// WriteIncidentsCSV writes a header and one record per row (RFC 4180 but
// for LF line ends, which Go's CRLF mode would impose inside cells too,
// dropping a lone CR from a cell's text); times are RFC 3339 UTC, figures plain numbers (empty when not
// measured), services joined by "; ".
func WriteIncidentsCSV(w io.Writer, rows []IncidentRow) error {
	cw := newWriter(w)
	if err := cw.Write(IncidentColumns); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.ID, r.Title, string(r.Severity), string(r.Status), strings.Join(r.Services, "; "),
			timeCell(&r.StartedAt), timeCell(r.ResolvedAt),
			figureCell(r.TimeToDetect), figureCell(r.TimeToAcknowledge), figureCell(r.TimeToMitigate), figureCell(r.TimeToResolve),
			figureCell(r.BudgetConsumed), figureCell(r.ErrorBudgetConsumed),
			string(r.PostmortemStatus), r.ApprovedBy, timeCell(r.ApprovedAt)}
		if err := cw.Write(neutralize(rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteActionsCSV writes a header and one record per action row.
func WriteActionsCSV(w io.Writer, rows []ActionRow) error {
	cw := newWriter(w)
	if err := cw.Write(ActionColumns); err != nil {
		return err
	}
	for _, r := range rows {
		due := ""
		if r.DueDate != nil {
			due = r.DueDate.Format("2006-01-02")
		}
		rec := []string{strconv.FormatInt(r.ID, 10), r.IncidentID, r.Title, r.Owner, due, string(r.Status),
			strconv.FormatBool(r.Overdue), r.TrackerURL, timeCell(r.CompletedAt)}
		if err := cw.Write(neutralize(rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes rows as {"items": [...], "total": n}.
func WriteJSON[T any](w io.Writer, rows []T) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"items": rows, "total": len(rows)})
}

// newWriter is a CSV writer with LF line ends: csv.Writer's CRLF mode
// also rewrites line breaks inside cells and drops a lone CR, so a cell
// would not read back as written. Spreadsheets and csv readers take LF.
func newWriter(w io.Writer) *csv.Writer {
	return csv.NewWriter(w)
}

// plainNumber is a decimal number as this package writes one.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

func neutralize(rec []string) []string {
	for i, c := range rec {
		rec[i] = NeutralizeCell(c)
	}
	return rec
}

// NeutralizeCell makes a cell safe to open in a spreadsheet (OWASP CSV
// injection): a cell whose first character, or first after spaces, is
// = + - @ tab or carriage return is read as a formula by Excel, LibreOffice
// and Google Sheets, so it gets a leading single quote, which they show as
// text. A plain number ("-3.5", "+1") is left as it is: it cannot run
// anything, and audits sum such columns.
func NeutralizeCell(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" || !strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return s
	}
	if plainNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

// figureCell is a measured figure's value (full precision, at most three
// decimals), "" when it is not measured.
func figureCell(f hindsight.Figure) string {
	if !f.Measured {
		return ""
	}
	return hindsight.FormatNumber(f.Value)
}

func timeCell(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
