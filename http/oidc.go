package http

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// OpenID Connect sign-in, through Server.SignOn: GET /signin/oidc sends
// the browser to the provider with a fresh state, nonce and PKCE
// challenge, kept in a short-lived cookie scoped to the callback; the
// callback checks them, opens a session with the claims' name, e-mail,
// handle and role, and records the person in the directory.

// oidcCookie holds the pending sign-in between the two requests.
const oidcCookie = "hindsight_oidc"

// oidcPendingLifetime bounds how long a sign-in at the provider may take.
const oidcPendingLifetime = 10 * time.Minute

// oidcRedirectURL is the callback address the provider sends the browser
// back to: under server.base_url when set, else this request's host.
func (s *Server) oidcRedirectURL(r *http.Request) string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		return strings.TrimSuffix(s.BaseURL, "/") + "/signin/oidc/callback"
	}
	scheme := "http"
	if s.secureCookie(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/signin/oidc/callback"
}

// uiOIDCStart sends the browser to the provider.
func (s *Server) uiOIDCStart(w http.ResponseWriter, r *http.Request, v *visitor) {
	if s.SignOn == nil {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.ENOTFOUND, "single sign-on is not configured on this server"))
		return
	}
	authURL, pending, err := s.SignOn.Start(r.Context(), s.oidcRedirectURL(r))
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	next := localPath(r.URL.Query().Get("next"))
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: pending + "." + url.QueryEscape(next), Path: "/signin/oidc",
		HttpOnly: true, Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode, MaxAge: int(oidcPendingLifetime.Seconds())})
	http.Redirect(w, r, authURL, http.StatusSeeOther)
}

// uiOIDCCallback finishes the sign-in the provider sent back.
func (s *Server) uiOIDCCallback(w http.ResponseWriter, r *http.Request, v *visitor) {
	if s.SignOn == nil {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.ENOTFOUND, "single sign-on is not configured on this server"))
		return
	}
	var pending, next string
	if c, err := r.Cookie(oidcCookie); err == nil {
		var escaped string
		pending, escaped, _ = strings.Cut(c.Value, ".")
		next, _ = url.QueryUnescape(escaped)
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/signin/oidc", HttpOnly: true,
		Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	signed, err := s.finishOIDC(w, r, pending)
	s.logSignIn(r, signed, err)
	if err != nil {
		if code := hindsight.ErrorCode(err); code == hindsight.EUNAUTHORIZED || code == hindsight.EINVALID {
			s.renderSignIn(w, r, v, http.StatusUnauthorized, localPath(next), hindsight.ErrorMessage(err))
			return
		}
		s.uiError(w, r, v, err)
		return
	}
	if v.sessionHash != "" {
		_ = s.Sessions.DeleteSession(r.Context(), v.sessionHash)
	}
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

// finishOIDC checks the provider's answer, records the person and opens
// the session.
func (s *Server) finishOIDC(w http.ResponseWriter, r *http.Request, pending string) (*visitor, error) {
	on, err := s.SignOn.Finish(r.Context(), s.oidcRedirectURL(r), r.URL.Query(), pending)
	if err != nil {
		return nil, err
	}
	if on.Identity.Name == "" {
		return nil, hindsight.Errorf(hindsight.EUNAUTHORIZED, "sign-in refused: the provider gave no usable user name, e-mail or subject")
	}
	if s.UIStore != nil {
		if err := s.UIStore.UpsertPerson(r.Context(), mergeSignedOn(r, s.UIStore, on.Person)); err != nil {
			s.log().Warn("sign-in: the person could not be recorded in the directory", "handle", on.Person.Handle, "err", err)
		}
	}
	return s.startSession(w, r, &hindsight.Session{Identity: on.Identity})
}

// mergeSignedOn returns the directory entry after a sign-in: the claims'
// name and e-mail over the stored entry, whose Slack ID, team and source
// stay.
func mergeSignedOn(r *http.Request, people hindsight.PersonService, p hindsight.Person) *hindsight.Person {
	old, err := people.FindPersonByHandle(r.Context(), p.Handle)
	if err != nil {
		return &p
	}
	out := *old
	if p.Name != "" {
		out.Name = p.Name
	}
	if p.Email != "" {
		out.Email = p.Email
	}
	return &out
}
