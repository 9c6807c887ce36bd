package http

import (
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// uiTransition moves a post-mortem through review. The review service
// checks the role each move needs (hindsight.DocumentStatus.TransitionRole);
// a refusal shows why on the incident page: the conflict message and the
// lint findings.
func (s *Server) uiTransition(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	to := hindsight.DocumentStatus(r.PostFormValue("to"))
	if _, err := s.Review.TransitionDocument(r.Context(), id, to, r.PostFormValue("reason")); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=status", http.StatusSeeOther)
}
