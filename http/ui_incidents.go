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
	Rows                         []incidentRow
	Pager                        pager
	Statuses                     []hindsight.IncidentStatus
	Severities                   []hindsight.Severity
	Searching                    bool
}

// incidentRow is one incident of the list.
type incidentRow struct {
	ID, Title string
	Severity  hindsight.Severity
	Status    hindsight.IncidentStatus
	Services  []string
	StartedAt time.Time
	Snippet   template.HTML
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
	f, err := parseIncidentFilter(url.Values{"status": {q.Get("status")}, "severity": {q.Get("severity")}, "service": {q.Get("service")}})
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	f.Page = hindsight.Page{Offset: max(offset, 0), Limit: uiPageSize}
	data := incidentListPage{Q: strings.TrimSpace(q.Get("q")), Status: string(f.Status), Severity: string(f.Severity), Service: f.Service,
		Statuses: hindsight.IncidentStatuses, Severities: hindsight.Severities}
	var total int
	if data.Q != "" {
		data.Searching = true
		data.Rows, total, err = s.searchRows(r, data.Q, f)
	} else {
		data.Rows, total, err = s.listRows(r, f)
	}
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data.Pager = newPager(r.URL, f.Offset, len(data.Rows), total)
	s.render(w, r, http.StatusOK, "incidents", page{Title: "Incidents", Nav: "incidents", Visitor: v, Data: data})
}

func (s *Server) listRows(r *http.Request, f hindsight.IncidentFilter) ([]incidentRow, int, error) {
	incs, total, err := s.Incidents.FindIncidents(r.Context(), f)
	rows := make([]incidentRow, len(incs))
	for i, inc := range incs {
		rows[i] = incidentRow{ID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status, Services: inc.Services, StartedAt: inc.StartedAt}
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
