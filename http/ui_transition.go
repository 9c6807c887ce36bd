package http

import (
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// uiTransition moves a post-mortem through review. Approving and
// archiving need the approver role; a refusal shows why on the incident
// page: the conflict message and the lint findings.
func (s *Server) uiTransition(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	to := hindsight.DocumentStatus(r.PostFormValue("to"))
	if (to == hindsight.DocApproved || to == hindsight.DocArchived) && !v.Can(string(hindsight.RoleApprover)) {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.EFORBIDDEN, "%s has role %s; moving a post-mortem to %s needs approver or above", v.Identity.Name, v.Identity.Role, to))
		return
	}
	if _, err := s.Workflow.TransitionDocument(r.Context(), id, to, r.PostFormValue("reason")); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=status", http.StatusSeeOther)
}
