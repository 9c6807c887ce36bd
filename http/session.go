package http

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// SessionCookie names the cookie that holds a web UI session ID.
const SessionCookie = "hindsight_session"

// SessionLifetime is how long a UI session lasts after sign-in.
const SessionLifetime = 12 * time.Hour

// visitor is who looks at a UI page: their identity when signed in, and
// the secret their forms' CSRF token derives from.
type visitor struct {
	Identity hindsight.Identity
	SignedIn bool
	// CSRF is the token every form of the page carries.
	CSRF   string
	secret string
	// sessionHash is the stored hash of the session, for sign-out.
	sessionHash string
}

// Can reports whether the visitor has at least the rights of role, for
// templates that hide buttons the visitor may not use.
func (v *visitor) Can(role string) bool {
	return v.SignedIn && v.Identity.Role.Allows(hindsight.Role(role))
}

// secureCookie reports whether cookies must be Secure: always when
// SecureCookies is set, else when the request came over HTTPS directly or
// through a trusted proxy.
func (s *Server) secureCookie(r *http.Request) bool {
	if s.SecureCookies || r.TLS != nil {
		return true
	}
	return s.ProxyAuth.trusts(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// identify returns the visitor of r: the session of its cookie, else a
// new session for a trusted proxy's user (who is signed in automatically),
// else an anonymous visitor whose forms use a pre-session secret.
func (s *Server) identify(w http.ResponseWriter, r *http.Request) (*visitor, error) {
	proxied, viaProxy := s.ProxyAuth.identity(r)
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" && s.Sessions != nil {
		hash := hindsight.HashToken(c.Value)
		sess, err := s.Sessions.FindSessionByHash(r.Context(), hash, s.Now())
		switch {
		case err == nil && (!viaProxy || sess.Identity.Name == proxied.Name):
			id := sess.Identity
			if id.Method == "proxy" {
				// The role comes from the configuration as it is now, not
				// as it was at sign-in: a demotion applies at once.
				id.Role = s.ProxyAuth.roleOf(id.Name)
			}
			return &visitor{Identity: id, SignedIn: true, secret: c.Value, CSRF: csrfToken(c.Value), sessionHash: hash}, nil
		case err != nil && hindsight.ErrorCode(err) != hindsight.ENOTFOUND:
			return nil, err
		}
	}
	if viaProxy && s.Sessions != nil {
		return s.proxySession(w, r, proxied)
	}
	secret := s.preSessionSecret(w, r)
	return &visitor{secret: secret, CSRF: csrfToken(secret)}, nil
}

// startSession stores sess under a new random ID, sets the session cookie
// and returns the signed-in visitor. A new ID on every sign-in prevents
// session fixation.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sess *hindsight.Session) (*visitor, error) {
	id := randomHex(32)
	sess.Hash = hindsight.HashToken(id)
	sess.ExpiresAt = s.Now().Add(SessionLifetime)
	if err := s.Sessions.CreateSession(r.Context(), sess); err != nil {
		return nil, err
	}
	_, _ = s.Sessions.DeleteExpiredSessions(r.Context(), s.Now())
	s.setSessionCookie(w, r, id, sess.ExpiresAt)
	return &visitor{Identity: sess.Identity, SignedIn: true, secret: id, CSRF: csrfToken(id), sessionHash: sess.Hash}, nil
}

// setSessionCookie sets the session cookie to id, expiring at expires.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, id string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true,
		Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode, Expires: expires, MaxAge: int(expires.Sub(s.Now()).Round(time.Second).Seconds())})
}

// endSession deletes the visitor's session and clears the cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, v *visitor) error {
	if v.sessionHash != "" {
		if err := s.Sessions.DeleteSession(r.Context(), v.sessionHash); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secureCookie(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return nil
}

// signInWithToken checks an API token pasted on the sign-in page and opens
// a session with its role.
func (s *Server) signInWithToken(w http.ResponseWriter, r *http.Request, secret string) (*visitor, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return nil, hindsight.Errorf(hindsight.EINVALID, "paste an API token to sign in")
	}
	t, err := s.Tokens.FindTokenByHash(r.Context(), hindsight.HashToken(secret))
	if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
		return nil, hindsight.Errorf(hindsight.EUNAUTHORIZED, "unknown or revoked token: check that you pasted all of it, or ask an admin for a new one")
	} else if err != nil {
		return nil, err
	}
	id := hindsight.TokenIdentity(t, "session")
	return s.startSession(w, r, &hindsight.Session{Identity: id, TokenID: t.ID})
}

// proxySessions remembers the session opened for each proxy user, so that
// the requests of a client that keeps no cookie (a script behind the
// proxy, a browser with cookies off) share one session row instead of
// writing one each.
type proxySessions struct {
	mu sync.Mutex
	// ids maps a proxy user's name to their session's ID (the cookie
	// value; the store keeps only its hash).
	ids map[string]string
}

// maxProxySessions bounds the map; past it, it starts again empty.
const maxProxySessions = 10000

func (p *proxySessions) get(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ids[name]
}

func (p *proxySessions) put(name, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ids == nil || len(p.ids) >= maxProxySessions {
		p.ids = map[string]string{}
	}
	p.ids[name] = id
}

// proxySession signs in a proxy user who presented no session cookie:
// with the session this server opened for them before, while it lasts
// more than an hour, else with a new one.
func (s *Server) proxySession(w http.ResponseWriter, r *http.Request, id hindsight.Identity) (*visitor, error) {
	if secret := s.proxySessions.get(id.Name); secret != "" {
		hash := hindsight.HashToken(secret)
		sess, err := s.Sessions.FindSessionByHash(r.Context(), hash, s.Now().Add(time.Hour))
		switch {
		case err == nil && sess.Identity.Name == id.Name:
			s.setSessionCookie(w, r, secret, sess.ExpiresAt)
			return &visitor{Identity: id, SignedIn: true, secret: secret, CSRF: csrfToken(secret), sessionHash: hash}, nil
		case err != nil && hindsight.ErrorCode(err) != hindsight.ENOTFOUND:
			return nil, err
		}
	}
	v, err := s.startSession(w, r, &hindsight.Session{Identity: id})
	if err == nil {
		s.proxySessions.put(id.Name, v.secret)
	}
	return v, err
}
