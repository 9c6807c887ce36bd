package http

import (
	"net/http"
	"net/url"

	"github.com/hindsight-sre/hindsight"
)

// errNoPrefs answers when the server keeps no notification preferences.
var errNoPrefs = hindsight.Errorf(hindsight.EUNAVAILABLE, "notification preferences are not available on this server")

// registerNotificationRoutes adds the caller's own notification
// preferences to the JSON API.
func (s *Server) registerNotificationRoutes() {
	s.mux.HandleFunc("GET /api/v1/me/notifications", s.require(hindsight.RoleViewer, s.handleMyNotificationsGet))
	s.mux.HandleFunc("PUT /api/v1/me/notifications", s.require(hindsight.RoleViewer, s.handleMyNotificationsPut))
}

// prefsRequest is the body of PUT /api/v1/me/notifications: both choices
// are required, so that a partial body cannot turn a channel off by
// omission.
type prefsRequest struct {
	Email   *bool `json:"email"`
	SlackDM *bool `json:"slack_dm"`
}

// myHandle is the directory handle of the request's identity: each person
// chooses for themselves.
func myHandle(r *http.Request) (string, error) {
	id, ok := hindsight.IdentityFromContext(r.Context())
	if !ok || hindsight.PersonKey(id.Name) == "" {
		return "", hindsight.Errorf(hindsight.EUNAUTHORIZED, "sign in first: preferences belong to a person")
	}
	return hindsight.PersonKey(id.Name), nil
}

func (s *Server) handleMyNotificationsGet(w http.ResponseWriter, r *http.Request) {
	p, err := s.myPrefs(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) handleMyNotificationsPut(w http.ResponseWriter, r *http.Request) {
	var req prefsRequest
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	var v hindsight.Validation
	if req.Email == nil {
		v.Add("email", "is required: true or false")
	}
	if req.SlackDM == nil {
		v.Add("slack_dm", "is required: true or false")
	}
	if err := v.Err("notification preferences"); err != nil {
		Error(w, r, err)
		return
	}
	p, err := s.saveMyPrefs(r, *req.Email, *req.SlackDM)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// myPrefs reads the caller's preferences (the defaults when never chosen).
func (s *Server) myPrefs(r *http.Request) (hindsight.NotificationPrefs, error) {
	if s.NotificationPrefs == nil {
		return hindsight.NotificationPrefs{}, errNoPrefs
	}
	h, err := myHandle(r)
	if err != nil {
		return hindsight.NotificationPrefs{}, err
	}
	return s.NotificationPrefs.FindNotificationPrefs(r.Context(), h)
}

// saveMyPrefs stores the caller's preferences.
func (s *Server) saveMyPrefs(r *http.Request, email, slackDM bool) (*hindsight.NotificationPrefs, error) {
	if s.NotificationPrefs == nil {
		return nil, errNoPrefs
	}
	h, err := myHandle(r)
	if err != nil {
		return nil, err
	}
	p := &hindsight.NotificationPrefs{Handle: h, Email: email, SlackDM: slackDM}
	return p, s.NotificationPrefs.SaveNotificationPrefs(r.Context(), p)
}

// uiNotificationsPage shows the visitor's notification preferences.
func (s *Server) uiNotificationsPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	if !v.SignedIn { // anonymous reading is on, but preferences are a person's
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	p, err := s.myPrefs(r)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	flash := ""
	if r.URL.Query().Get("done") == "saved" {
		flash = "Notification preferences saved."
	}
	s.render(w, r, http.StatusOK, "notifications", page{Title: "Notifications", Visitor: v, Flash: flash, Data: p})
}

// uiNotificationsSave stores the visitor's choices from the page's form:
// an unticked box is a channel turned off.
func (s *Server) uiNotificationsSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	if _, err := s.saveMyPrefs(r, r.PostFormValue("email") == "on", r.PostFormValue("slack_dm") == "on"); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/me/notifications?done=saved", http.StatusSeeOther)
}
