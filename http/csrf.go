package http

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// CSRF protection of the web UI. Every form carries a hidden csrf_token
// field; every UI request that is not GET or HEAD must present it, else it
// is refused with 403. The token is derived from a secret the browser holds
// in an HttpOnly cookie that other sites can neither read nor set through
// the page: the session ID when signed in, a random pre-session value on the
// sign-in form. Deriving it (rather than storing it) keeps it per session
// and valid across server instances. SameSite=Lax cookies and net/http's
// cross-origin protection (Sec-Fetch-Site and Origin) add two more layers.

// CSRFField is the name of the hidden form field that carries the token.
const CSRFField = "csrf_token"

// preSessionCookie holds the random value that the sign-in form's CSRF token
// is derived from, before there is a session.
const preSessionCookie = "hindsight_csrf"

// csrfToken derives the form token from a cookie secret.
func csrfToken(secret string) string {
	sum := sha256.Sum256([]byte("hindsight-csrf:" + secret))
	return hex.EncodeToString(sum[:])
}

// csrfValid reports whether the request's form token matches the secret.
func csrfValid(r *http.Request, secret string) bool {
	if secret == "" {
		return false
	}
	got := r.PostFormValue(CSRFField)
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	want := csrfToken(secret)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// errCSRF is the answer to a form without a valid token.
var errCSRF = hindsight.Errorf(hindsight.EFORBIDDEN, "the form has expired or did not come from this site: reload the page and try again")

// csrfError is the answer to a form refused by the CSRF check. When the
// browser sent none of Hindsight's cookies, the likely cause is a cookie it
// dropped (one marked Secure, reached over plain http://): say so, and
// which setting decides.
func (s *Server) csrfError(r *http.Request) error {
	if _, err := r.Cookie(SessionCookie); err == nil {
		return errCSRF
	}
	if _, err := r.Cookie(preSessionCookie); err == nil {
		return errCSRF
	}
	why := "your browser sent none of Hindsight's cookies"
	if r.TLS == nil && s.SecureCookies {
		why += ": this server marks cookies Secure (server.base_url is https://), and browsers drop Secure cookies over plain http://"
	}
	return hindsight.Errorf(hindsight.EFORBIDDEN, "the form was refused because %s. Reach Hindsight at the address server.base_url names, "+
		"or leave server.base_url unset (cookies then follow each request's scheme); behind a TLS proxy, list it in auth.proxy.trusted_cidrs so that X-Forwarded-Proto is believed. Then reload the page and try again", why)
}

// preSessionSecret returns the pre-session cookie's value, setting a new
// one when the browser has none.
func (s *Server) preSessionSecret(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preSessionCookie); err == nil && len(c.Value) == 64 {
		return c.Value
	}
	v := randomHex(32)
	http.SetCookie(w, &http.Cookie{Name: preSessionCookie, Value: v, Path: "/", HttpOnly: true,
		Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode, MaxAge: 3600})
	return v
}

// randomHex returns n random bytes as hex; crypto/rand never fails on
// supported platforms.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
