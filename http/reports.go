package http

import (
	"bytes"
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
		if err != nil {
			Error(w, r, err)
			return
		}
		if !csv {
			writeJSON(w, http.StatusOK, map[string]any{"items": rows, "total": len(rows)})
			return
		}
		var buf bytes.Buffer
		if err := report.WriteIncidentsCSV(&buf, rows); err != nil {
			Error(w, r, err)
			return
		}
		writeCSV(w, "incidents.csv", buf.Bytes())
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
		if err != nil {
			Error(w, r, err)
			return
		}
		if !csv {
			writeJSON(w, http.StatusOK, map[string]any{"items": rows, "total": len(rows)})
			return
		}
		var buf bytes.Buffer
		if err := report.WriteActionsCSV(&buf, rows); err != nil {
			Error(w, r, err)
			return
		}
		writeCSV(w, "actions.csv", buf.Bytes())
	}
}

// writeCSV answers a CSV file to download.
func writeCSV(w http.ResponseWriter, name string, body []byte) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
