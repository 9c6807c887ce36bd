package http

import (
	"net/http"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// uiActionAdd adds a corrective action from the incident page's form; an
// empty due date takes the horizon's default.
func (s *Server) uiActionAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	a := &hindsight.ActionItem{Title: strings.TrimSpace(r.PostFormValue("title")), Owner: strings.TrimSpace(r.PostFormValue("owner")),
		Horizon: hindsight.Horizon(r.PostFormValue("horizon")), Verification: strings.TrimSpace(r.PostFormValue("verification")),
		TrackerURL: strings.TrimSpace(r.PostFormValue("tracker_url"))}
	if due := r.PostFormValue("due"); due != "" {
		t, err := time.ParseInLocation("2006-01-02", due, time.UTC)
		if err != nil {
			s.renderIncident(w, r, v, http.StatusBadRequest, "The due date must be a date such as 2025-10-07.", nil)
			return
		}
		a.DueDate = t
	}
	if err := s.Review.CreateAction(r.Context(), id, a); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=action#actions", http.StatusSeeOther)
}
