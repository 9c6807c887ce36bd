package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// actionEditPage is the data of an action item's editor.
type actionEditPage struct {
	Incident *hindsight.Incident
	Action   *hindsight.ActionItem
	Statuses []hindsight.ActionStatus
	Horizons []hindsight.Horizon
}

// incidentAction returns action item {action} of incident {id}, or ENOTFOUND
// when the item belongs to another incident.
func (s *Server) incidentAction(r *http.Request) (*hindsight.Incident, *hindsight.ActionItem, error) {
	id := r.PathValue("id")
	n, err := strconv.ParseInt(r.PathValue("action"), 10, 64)
	if err != nil {
		return nil, nil, hindsight.Errorf(hindsight.ENOTFOUND, "no action item %q", r.PathValue("action"))
	}
	inc, err := s.Incidents.FindIncidentByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.Review.Action(r.Context(), n)
	if err == nil && a.IncidentID != id {
		err = hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no action item %d", id, n)
	}
	return inc, a, err
}

// uiActionEditPage shows the editor of one action item.
func (s *Server) uiActionEditPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	inc, a, err := s.incidentAction(r)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	s.renderActionEdit(w, r, v, http.StatusOK, "", inc, a)
}

// uiActionEditSave applies the editor's form at the version it was read
// at: title, owner, horizon, due date, status (won't do needs a reason),
// verification and tracker link. A refusal re-renders the form with the
// reason and what was typed.
func (s *Server) uiActionEditSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	inc, a, err := s.incidentAction(r)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	p, typed, err := actionPatch(r, *a)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err == nil {
		_, err = s.Review.UpdateAction(r.Context(), a.ID, p, version)
	}
	s.finishEdit(w, r, v, err, "/incidents/"+inc.ID+"?done=action-edit#actions", func(status int, problem string) {
		typed.Version = version
		s.renderActionEdit(w, r, v, status, problem, inc, &typed)
	})
}

// actionPatch reads the editor's form into a patch, and a copy of a with
// what was typed for re-rendering.
func actionPatch(r *http.Request, a hindsight.ActionItem) (hindsight.ActionPatch, hindsight.ActionItem, error) {
	field := func(name string) *string {
		v := strings.TrimSpace(r.PostFormValue(name))
		return &v
	}
	status, horizon := hindsight.ActionStatus(r.PostFormValue("status")), hindsight.Horizon(r.PostFormValue("horizon"))
	p := hindsight.ActionPatch{Title: field("title"), Owner: field("owner"), Status: &status, Horizon: &horizon,
		StatusReason: field("status_reason"), Verification: field("verification"), TrackerURL: field("tracker_url")}
	a.Title, a.Owner, a.Status, a.Horizon, a.StatusReason = *p.Title, *p.Owner, status, horizon, *p.StatusReason
	a.Verification, a.TrackerURL = *p.Verification, *p.TrackerURL
	if due := r.PostFormValue("due"); due != "" {
		t, err := time.ParseInLocation("2006-01-02", due, time.UTC)
		if err != nil {
			return p, a, hindsight.Errorf(hindsight.EINVALID, "the due date must be a date such as 2025-10-07")
		}
		p.DueDate, a.DueDate = &t, t
	}
	return p, a, nil
}

func (s *Server) renderActionEdit(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, inc *hindsight.Incident, a *hindsight.ActionItem) {
	s.render(w, r, status, "action_edit", page{Title: "Action item · " + inc.Title, Nav: "incidents", Visitor: v, Problem: problem,
		Data: actionEditPage{Incident: inc, Action: a, Statuses: hindsight.ActionStatuses, Horizons: hindsight.Horizons}})
}
