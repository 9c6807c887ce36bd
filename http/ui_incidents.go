package http

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// incidentListPage is the data of the incidents list.
type incidentListPage struct {
	Q, Status, Severity, Service string
	// Postmortem is the post-mortem status filter; From and To the start
	// dates (YYYY-MM-DD, both included).
	Postmortem, From, To string
	Rows                 []incidentRow
	Pager                pager
	Statuses             []hindsight.IncidentStatus
	Severities           []hindsight.Severity
	// PostmortemStatuses are the post-mortem filter's choices; Services
	// the known services.
	PostmortemStatuses []hindsight.DocumentStatus
	Services           []string
	Searching          bool
}

// incidentRow is one incident of the list.
type incidentRow struct {
	ID, Title string
	Severity  hindsight.Severity
	Status    hindsight.IncidentStatus
	Services  []string
	StartedAt time.Time
	Snippet   template.HTML
	// Postmortem is the post-mortem's status, "" without one; Duration
	// reads "1 hour 41 minutes", "" while the incident is not resolved.
	Postmortem hindsight.DocumentStatus
	Duration   string
}

// pager links the pages of a list.
type pager struct {
	From, To, Total int
	Prev, Next      string
}

// uiPageSize is the number of rows on one page of a UI list.
const uiPageSize = 50

// uiIncidentList shows incidents, newest first, filtered by status,
// severity and service, or the results of a full-text search.
func (s *Server) uiIncidentList(w http.ResponseWriter, r *http.Request, v *visitor) {
	q := r.URL.Query()
	f, err := parseIncidentFilter(url.Values{"status": {q.Get("status")}, "severity": {q.Get("severity")},
		"service": {q.Get("service")}, "postmortem_status": {q.Get("postmortem")}})
	if err == nil {
		f.StartedFrom, f.StartedTo, err = dateRange(q.Get("from"), q.Get("to"))
	}
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	f.Page = hindsight.Page{Offset: max(offset, 0), Limit: uiPageSize}
	data := incidentListPage{Q: strings.TrimSpace(q.Get("q")), Status: string(f.Status), Severity: string(f.Severity), Service: f.Service,
		Postmortem: string(f.PostmortemStatus), From: q.Get("from"), To: q.Get("to"),
		Statuses: hindsight.IncidentStatuses, Severities: hindsight.Severities,
		PostmortemStatuses: append(append([]hindsight.DocumentStatus{}, hindsight.DocumentStatuses...), hindsight.PostmortemNone)}
	var total int
	if data.Q != "" {
		data.Searching = true
		data.Rows, total, err = s.searchRows(r, data.Q, f)
	} else {
		data.Rows, total, err = s.listRows(r, f)
	}
	if err == nil {
		err = s.fillListColumns(r, data.Rows)
	}
	if err == nil {
		data.Services, err = s.Incidents.FindServices(r.Context())
	}
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data.Pager = newPager(r.URL, f.Offset, len(data.Rows), total)
	s.render(w, r, http.StatusOK, "incidents", page{Title: "Incidents", Nav: "incidents", Visitor: v, Data: data})
}

// dateRange reads the list's start dates (YYYY-MM-DD, both days included).
// Errors: EINVALID.
func dateRange(from, to string) (time.Time, time.Time, error) {
	var v hindsight.Validation
	var f, t time.Time
	var err error
	if from != "" {
		if f, err = time.Parse("2006-01-02", from); err != nil {
			v.Add("from", "must be a date, YYYY-MM-DD")
		}
	}
	if to != "" {
		if t, err = time.Parse("2006-01-02", to); err != nil {
			v.Add("to", "must be a date, YYYY-MM-DD")
		} else {
			t = t.AddDate(0, 0, 1)
		}
	}
	if !f.IsZero() && !t.IsZero() && !t.After(f) {
		v.Add("to", "must not be before the from date")
	}
	return f, t, v.Err("dates")
}

// fillListColumns adds each row's post-mortem status and duration.
func (s *Server) fillListColumns(r *http.Request, rows []incidentRow) error {
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	st, err := s.Incidents.FindPostmortemStatuses(r.Context(), ids)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Postmortem = st[rows[i].ID]
	}
	return nil
}

func (s *Server) listRows(r *http.Request, f hindsight.IncidentFilter) ([]incidentRow, int, error) {
	incs, total, err := s.Incidents.FindIncidents(r.Context(), f)
	rows := make([]incidentRow, len(incs))
	for i, inc := range incs {
		rows[i] = incidentRow{ID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status, Services: inc.Services, StartedAt: inc.StartedAt}
		if d, ok := inc.Duration(); ok {
			rows[i].Duration = hindsight.FormatDuration(d)
		}
	}
	return rows, total, err
}

func (s *Server) searchRows(r *http.Request, text string, f hindsight.IncidentFilter) ([]incidentRow, int, error) {
	found, total, err := s.UIStore.Search(r.Context(), hindsight.SearchQuery{Text: text, IncidentFilter: f})
	rows := make([]incidentRow, len(found))
	for i, m := range found {
		rows[i] = incidentRow{ID: m.IncidentID, Title: m.Title, Severity: m.Severity, Status: m.Status, StartedAt: m.StartedAt, Snippet: safeSnippet(m.Snippet)}
	}
	return rows, total, err
}

// newPager links the previous and next pages of a list shown at offset.
func newPager(u *url.URL, offset, shown, total int) pager {
	p := pager{From: offset + 1, To: offset + shown, Total: total}
	if shown == 0 {
		p.From = 0
	}
	link := func(off int) string {
		q := u.Query()
		q.Set("offset", strconv.Itoa(off))
		return u.Path + "?" + q.Encode()
	}
	if offset > 0 {
		p.Prev = link(max(offset-uiPageSize, 0))
	}
	if offset+shown < total {
		p.Next = link(offset + uiPageSize)
	}
	return p
}
