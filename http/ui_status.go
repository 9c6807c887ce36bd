package http

import (
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// nextIncidentStatuses lists the statuses an incident may move to from s.
func nextIncidentStatuses(s hindsight.IncidentStatus) []hindsight.IncidentStatus {
	var out []hindsight.IncidentStatus
	for _, to := range hindsight.IncidentStatuses {
		if s.CanTransition(to) == nil {
			out = append(out, to)
		}
	}
	return out
}

// uiIncidentStatus moves the incident itself (not its post-mortem) to
// UNDER INVESTIGATION, MITIGATED or RESOLVED; a refused transition is
// shown on the incident page with its reason.
func (s *Server) uiIncidentStatus(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	to := hindsight.IncidentStatus(r.PostFormValue("to"))
	if _, err := s.Review.TransitionIncident(r.Context(), id, to, r.PostFormValue("reason")); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=incident-status", http.StatusSeeOther)
}
