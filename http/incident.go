package http

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// incidentSummary is one row of GET /api/v1/incidents.
type incidentSummary struct {
	ID         string                   `json:"id"`
	Title      string                   `json:"title"`
	Severity   hindsight.Severity       `json:"severity"`
	Status     hindsight.IncidentStatus `json:"status"`
	Services   []string                 `json:"services"`
	StartedAt  string                   `json:"started_at"`
	ResolvedAt *string                  `json:"resolved_at"`
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// handleIncidentList lists incidents, newest first, filtered by the query
// parameters status, severity, service, from, to, and paginated by offset
// and limit.
func (s *Server) handleIncidentList(w http.ResponseWriter, r *http.Request) {
	f, err := parseIncidentFilter(r.URL.Query())
	if err != nil {
		Error(w, r, err)
		return
	}
	incs, total, err := s.Incidents.FindIncidents(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	out := list[incidentSummary]{Items: make([]incidentSummary, len(incs)), Total: total, Offset: f.Page.Normalize().Offset, Limit: f.Page.Normalize().Limit}
	for i, inc := range incs {
		row := incidentSummary{ID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status,
			Services: inc.Services, StartedAt: inc.StartedAt.UTC().Format(timeFormat)}
		if inc.ResolvedAt != nil {
			t := inc.ResolvedAt.UTC().Format(timeFormat)
			row.ResolvedAt = &t
		}
		if row.Services == nil {
			row.Services = []string{}
		}
		out.Items[i] = row
	}
	writeJSON(w, http.StatusOK, out)
}

// parseIncidentFilter reads the list's query parameters, reporting every bad one.
func parseIncidentFilter(q url.Values) (hindsight.IncidentFilter, error) {
	var f hindsight.IncidentFilter
	var v hindsight.Validation
	if s := q.Get("status"); s != "" {
		f.Status = hindsight.IncidentStatus(s)
		if !f.Status.Valid() {
			v.Add("status", "must be UNDER INVESTIGATION, MITIGATED or RESOLVED")
		}
	}
	if s := q.Get("severity"); s != "" {
		sev, err := hindsight.ParseSeverity(s)
		if err != nil {
			v.Add("severity", "must be SEV1 to SEV5")
		}
		f.Severity = sev
	}
	f.Service = strings.TrimSpace(q.Get("service"))
	if s := strings.ToUpper(strings.TrimSpace(q.Get("postmortem_status"))); s != "" {
		f.PostmortemStatus = hindsight.DocumentStatus(s)
		if !f.PostmortemStatus.Valid() && f.PostmortemStatus != hindsight.PostmortemNone {
			v.Add("postmortem_status", "must be DRAFT, UNDER REVIEW, APPROVED, ARCHIVED or NONE")
		}
	}
	if s := q.Get("from"); s != "" {
		t, err := hindsight.ParseTime(s)
		if err != nil {
			v.Add("from", "must be an RFC 3339 time")
		}
		f.StartedFrom = t
	}
	if s := q.Get("to"); s != "" {
		t, err := hindsight.ParseTime(s)
		if err != nil {
			v.Add("to", "must be an RFC 3339 time")
		}
		f.StartedTo = t
	}
	f.Offset = intParam(q, "offset", &v)
	f.Limit = intParam(q, "limit", &v)
	return f, v.Err("query")
}

func intParam(q url.Values, name string, v *hindsight.Validation) int {
	s := q.Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > hindsight.MaxPageOffset {
		v.Add(name, "must be a whole number from 0 to %d", hindsight.MaxPageOffset)
		return 0
	}
	return n
}

// handleIncidentGet returns one incident as JSON.
func (s *Server) handleIncidentGet(w http.ResponseWriter, r *http.Request) {
	inc, err := s.Incidents.FindIncidentByID(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inc)
}

// handlePostmortemMarkdown returns the incident's post-mortem as Markdown,
// rendered from the stored incident, timeline, actions and narrative so
// that facts follow the incident; once APPROVED, the document as approved.
func (s *Server) handlePostmortemMarkdown(w http.ResponseWriter, r *http.Request) {
	pm, err := s.Incidents.FindPostmortem(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	if pm.Document.Version == 0 {
		Error(w, r, hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no post-mortem: its severity %s is below the configured draft_min_severity", pm.Incident.ID, pm.Incident.Severity))
		return
	}
	md, err := s.postmortemMarkdown(r.Context(), pm)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", `inline; filename="`+hindsight.DocumentFileName(pm.Incident.StartedAt, pm.Incident.Title)+`"`)
	_, _ = w.Write(md)
}
