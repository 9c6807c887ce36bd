package http

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/hindsight-sre/hindsight"
)

// signInData is what the sign-in page shows.
type signInData struct {
	Next string
	// NoTokens shows the bootstrap hint: the store has no token at all.
	NoTokens bool
	// SignOn names the single sign-on provider, "" when none is set;
	// Proxy says whether a trusted proxy may sign people in.
	SignOn string
	Proxy  bool
}

// uiSignInPage shows the sign-in form, or sends a signed-in visitor on.
func (s *Server) uiSignInPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	next := localPath(r.URL.Query().Get("next"))
	if v.SignedIn {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderSignIn(w, r, v, http.StatusOK, next, "")
}

// uiSignIn checks a pasted API token and opens a session.
func (s *Server) uiSignIn(w http.ResponseWriter, r *http.Request, v *visitor) {
	next := localPath(r.PostFormValue("next"))
	signed, err := s.signInWithToken(w, r, r.PostFormValue("token"))
	s.logSignIn(r, signed, err)
	if err != nil {
		code := hindsight.ErrorCode(err)
		if code != hindsight.EINVALID && code != hindsight.EUNAUTHORIZED {
			s.uiError(w, r, v, err)
			return
		}
		s.renderSignIn(w, r, v, ErrorStatusCode(code), next, hindsight.ErrorMessage(err))
		return
	}
	if v.sessionHash != "" {
		_ = s.Sessions.DeleteSession(r.Context(), v.sessionHash)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, v *visitor, status int, next, problem string) {
	data := signInData{Next: next, Proxy: len(s.ProxyAuth.Trusted) > 0}
	if s.SignOn != nil {
		data.SignOn = s.SignOn.Name()
	}
	if toks, err := s.Tokens.FindTokens(r.Context()); err == nil && len(toks) == 0 {
		data.NoTokens = true
	}
	s.render(w, r, status, "signin", page{Title: "Sign in", Visitor: v, Problem: problem, Data: data})
}

// defaultNext is where sign-in leads when next is missing or refused.
const defaultNext = "/incidents"

// localPath returns p when it is a path on this site, else defaultNext:
// the next parameter must not send people to another site. Control
// characters are removed first (browsers drop tabs and newlines from URLs,
// so "/\t/evil.example/" would be "//evil.example/"); what remains must be
// an absolute path that neither the browser nor a proxy can read as
// another host: no scheme or host, no leading "//", no backslash (browsers
// read "\" as "/"), and the same after percent-decoding.
func localPath(p string) string {
	p = withoutControls(p)
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return defaultNext
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return defaultNext
	}
	if dec := u.Path; dec != withoutControls(dec) || strings.HasPrefix(dec, "//") || strings.Contains(dec, "\\") {
		return defaultNext
	}
	return p
}

// withoutControls removes control characters (C0, DEL, C1) and the Unicode
// format characters that browsers ignore in URLs.
func withoutControls(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}
