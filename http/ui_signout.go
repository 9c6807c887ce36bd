package http

import "net/http"

// uiSignOut ends the session and returns to the sign-in page.
func (s *Server) uiSignOut(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := s.endSession(w, r, v); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
