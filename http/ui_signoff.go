package http

import (
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// uiSignOff signs a review role as the visitor; the workflow checks who
// may sign which role.
func (s *Server) uiSignOff(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	if _, err := s.Review.SignOff(r.Context(), id, hindsight.SignOffRole(r.PostFormValue("role"))); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=signoff#signoffs", http.StatusSeeOther)
}
