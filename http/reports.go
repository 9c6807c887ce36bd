package http

import (
	"bytes"
	"io"
	"net/http"

	"github.com/hindsight-sre/hindsight/report"
)

// registerReportRoutes adds the audit reports: every incident or action
// item the list's filters select, as CSV (neutralised against spreadsheet
// formulas) or JSON, read with the lists' access rules.
func (s *Server) registerReportRoutes() {
	s.mux.HandleFunc("GET /api/v1/reports/incidents.csv", s.readable(s.handleIncidentReport(true)))
	s.mux.HandleFunc("GET /api/v1/reports/incidents.json", s.readable(s.handleIncidentReport(false)))
	s.mux.HandleFunc("GET /api/v1/reports/actions.csv", s.readable(s.handleActionReport(true)))
	s.mux.HandleFunc("GET /api/v1/reports/actions.json", s.readable(s.handleActionReport(false)))
}

// handleIncidentReport answers the incident report, filtered as GET
// /api/v1/incidents (offset and limit aside: a report holds every match).
func (s *Server) handleIncidentReport(csv bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := parseIncidentFilter(r.URL.Query())
		if err != nil {
			Error(w, r, err)
			return
		}
		rows, err := report.Incidents(r.Context(), s.Incidents, f)
		writeReport(w, r, rows, err, csv, "incidents.csv", report.WriteIncidentsCSV)
	}
}

// handleActionReport answers the action report, filtered as GET
// /api/v1/actions.
func (s *Server) handleActionReport(csv bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := parseActionQuery(r.URL.Query())
		if err != nil {
			Error(w, r, err)
			return
		}
		rows, err := report.Actions(r.Context(), s.Review, q, s.Now())
		writeReport(w, r, rows, err, csv, "actions.csv", report.WriteActionsCSV)
	}
}

// writeReport answers a report's rows, or err: as JSON, or as the CSV file
// name that write produces.
func writeReport[T any](w http.ResponseWriter, r *http.Request, rows []T, err error, csv bool, name string, write func(io.Writer, []T) error) {
	if err != nil {
		Error(w, r, err)
		return
	}
	if !csv {
		writeJSON(w, http.StatusOK, map[string]any{"items": rows, "total": len(rows)})
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, rows); err != nil {
		Error(w, r, err)
		return
	}
	writeCSV(w, name, buf.Bytes())
}

// writeCSV answers a CSV file to download.
func writeCSV(w http.ResponseWriter, name string, body []byte) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
