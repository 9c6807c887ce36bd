package http

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// registerActionRoutes adds the action-item routes.
func (s *Server) registerActionRoutes(editor hindsight.Role) {
	s.mux.HandleFunc("GET /api/v1/actions", s.readable(s.handleActionList))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/actions", s.require(editor, s.handleActionCreate))
	s.mux.HandleFunc("PATCH /api/v1/actions/{id}", s.require(editor, s.handleActionPatch))
}

// handleActionList lists action items across incidents, overdue first,
// filtered by owner, status, incident and overdue=true, paged by offset
// and limit.
func (s *Server) handleActionList(w http.ResponseWriter, r *http.Request) {
	q, err := parseActionQuery(r.URL.Query())
	if err != nil {
		Error(w, r, err)
		return
	}
	items, total, err := s.Review.ListActions(r.Context(), q)
	if err != nil {
		Error(w, r, err)
		return
	}
	if items == nil {
		items = []*hindsight.ActionItem{}
	}
	if err := s.attachTrackers(r.Context(), items); err != nil {
		Error(w, r, err)
		return
	}
	p := q.Page.Normalize()
	writeJSON(w, http.StatusOK, list[*hindsight.ActionItem]{Items: items, Total: total, Offset: p.Offset, Limit: p.Limit})
}

// parseActionQuery reads the list's query parameters, reporting every bad one.
func parseActionQuery(v url.Values) (hindsight.ActionQuery, error) {
	var bad hindsight.Validation
	q := hindsight.ActionQuery{Owner: v.Get("owner"), IncidentID: v.Get("incident")}
	if st := v.Get("status"); st != "" {
		q.Status = hindsight.ActionStatus(st)
		if !q.Status.Valid() {
			bad.Add("status", "must be open, in_progress, done or wont_do")
		}
	}
	if o := v.Get("overdue"); o != "" {
		b, err := strconv.ParseBool(o)
		if err != nil {
			bad.Add("overdue", "must be true or false")
		}
		q.Overdue = b
	}
	q.Offset = intParam(v, "offset", &bad)
	q.Limit = intParam(v, "limit", &bad)
	return q, bad.Err("query")
}

// actionRequest is the body of POST …/actions.
type actionRequest struct {
	Title        string                 `json:"title"`
	Owner        string                 `json:"owner"`
	Horizon      hindsight.Horizon      `json:"horizon"`
	DueDate      string                 `json:"due_date"`
	Status       hindsight.ActionStatus `json:"status"`
	StatusReason string                 `json:"status_reason"`
	Verification string                 `json:"verification"`
	TrackerURL   string                 `json:"tracker_url"`
}

// handleActionCreate adds a corrective action; a missing due date is the
// horizon's default.
func (s *Server) handleActionCreate(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	a := &hindsight.ActionItem{Title: req.Title, Owner: req.Owner, Horizon: req.Horizon, Status: req.Status,
		StatusReason: req.StatusReason, Verification: req.Verification, TrackerURL: req.TrackerURL}
	if req.DueDate != "" {
		d, err := parseDate(req.DueDate)
		if err != nil {
			Error(w, r, err)
			return
		}
		a.DueDate = d
	}
	if err := s.Review.CreateAction(r.Context(), r.PathValue("id"), a); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// actionPatchRequest is the body of PATCH /api/v1/actions/{id}: the
// version read, and the fields to change.
type actionPatchRequest struct {
	Version      int                     `json:"version"`
	Title        *string                 `json:"title"`
	Owner        *string                 `json:"owner"`
	Horizon      *hindsight.Horizon      `json:"horizon"`
	DueDate      *string                 `json:"due_date"`
	Status       *hindsight.ActionStatus `json:"status"`
	StatusReason *string                 `json:"status_reason"`
	Verification *string                 `json:"verification"`
	TrackerURL   *string                 `json:"tracker_url"`
}

// handleActionPatch changes some fields of an action item.
func (s *Server) handleActionPatch(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		Error(w, r, hindsight.Errorf(hindsight.ENOTFOUND, "action item %q not found", r.PathValue("id")))
		return
	}
	var req actionPatchRequest
	if err := decodeVersioned(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	p := hindsight.ActionPatch{Title: req.Title, Owner: req.Owner, Horizon: req.Horizon, Status: req.Status,
		StatusReason: req.StatusReason, Verification: req.Verification, TrackerURL: req.TrackerURL}
	if req.DueDate != nil {
		d, err := parseDate(*req.DueDate)
		if err != nil {
			Error(w, r, err)
			return
		}
		p.DueDate = &d
	}
	a, err := s.Review.UpdateAction(r.Context(), id, p, req.Version)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// parseDate reads a due date: YYYY-MM-DD or an RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	var v hindsight.Validation
	v.Add("due_date", "must be a date such as 2025-10-07, got %q", s)
	return time.Time{}, v.Err("action item")
}
