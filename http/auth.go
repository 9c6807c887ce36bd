package http

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// DefaultProxyUserHeader is the identity header read from a trusted proxy
// when ProxyAuth.UserHeader is empty (oauth2-proxy's X-Forwarded-Email).
const DefaultProxyUserHeader = "X-Forwarded-Email"

// ProxyAuth trusts the identity header set by an authenticating reverse
// proxy (oauth2-proxy style), but only on requests whose peer address is in
// Trusted: anyone else could set it. Exactly one header is read, UserHeader;
// every other identity header is removed at the edge of the server
// (stripIdentityHeaders), so a header the proxy does not set cannot be
// supplied by the client and take precedence.
type ProxyAuth struct {
	Trusted []netip.Prefix
	// UserHeader names the one header that carries the user; "" means
	// DefaultProxyUserHeader. The proxy must set it on every request,
	// overwriting what the client sent.
	UserHeader string
	// Roles maps a user (e-mail or user name) onto a role; others get DefaultRole.
	Roles       map[string]hindsight.Role
	DefaultRole hindsight.Role
}

// userHeader returns the canonical name of the header read from the proxy.
func (p ProxyAuth) userHeader() string {
	if p.UserHeader == "" {
		return DefaultProxyUserHeader
	}
	return http.CanonicalHeaderKey(strings.TrimSpace(p.UserHeader))
}

// identityHeaders are the headers that authenticating proxies and web
// servers commonly use to name a user. Whichever of them is not the
// configured UserHeader of a trusted request is removed before any handler
// runs.
var identityHeaders = []string{
	"X-Forwarded-Email", "X-Forwarded-User", "X-Forwarded-Preferred-Username", "X-Forwarded-Groups",
	"X-Auth-Request-Email", "X-Auth-Request-User", "X-Auth-Request-Preferred-Username", "X-Auth-Request-Groups",
	"Remote-User", "Remote-Email", "X-Remote-User", "X-Webauth-User", "X-Webauth-Email",
}

// stripIdentityHeaders removes every identity header that the server must
// not believe: all of identityHeaders except the configured UserHeader, and
// UserHeader too when the request does not come from a trusted proxy.
func (s *Server) stripIdentityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keep := ""
		if len(s.ProxyAuth.Trusted) > 0 && s.ProxyAuth.trusts(r) {
			keep = s.ProxyAuth.userHeader()
		} else {
			r.Header.Del(s.ProxyAuth.userHeader())
		}
		for _, name := range identityHeaders {
			if name != keep {
				r.Header.Del(name)
			}
		}
		h.ServeHTTP(w, r)
	})
}

// trusts reports whether the request comes straight from a trusted proxy.
func (p ProxyAuth) trusts(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, prefix := range p.Trusted {
		if prefix.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// identity returns the proxy-asserted identity, if the request carries one
// from a trusted peer in the configured header. A header given twice (a
// proxy that appends instead of overwriting) or holding a list is not
// believed.
func (p ProxyAuth) identity(r *http.Request) (hindsight.Identity, bool) {
	if len(p.Trusted) == 0 || !p.trusts(r) {
		return hindsight.Identity{}, false
	}
	values := r.Header.Values(p.userHeader())
	if len(values) != 1 {
		return hindsight.Identity{}, false
	}
	name := strings.TrimSpace(values[0])
	if name == "" || strings.ContainsAny(name, ",\x00\r\n") {
		return hindsight.Identity{}, false
	}
	return hindsight.Identity{Name: name, Role: p.roleOf(name), Method: "proxy"}, true
}

// roleOf returns the role the configuration gives a proxy user now.
func (p ProxyAuth) roleOf(name string) hindsight.Role {
	role, ok := p.Roles[strings.ToLower(name)]
	if !ok {
		role = p.DefaultRole
	}
	if !role.Valid() {
		role = hindsight.RoleViewer
	}
	return role
}

// authenticate establishes who makes the request: an API token, or a
// trusted proxy's headers. It returns an EUNAUTHORIZED error for a token
// that is presented but unknown, and false for an anonymous request.
func (s *Server) authenticate(r *http.Request) (hindsight.Identity, bool, error) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.Tokens != nil {
		t, err := s.Tokens.FindTokenByHash(r.Context(), hindsight.HashToken(tok))
		if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
			return hindsight.Identity{}, false, hindsight.Errorf(hindsight.EUNAUTHORIZED, "unknown or revoked API token: create one with 'hindsight token create'")
		} else if err != nil {
			return hindsight.Identity{}, false, err
		}
		return hindsight.TokenIdentity(t, "token"), true, nil
	}
	if id, ok := s.ProxyAuth.identity(r); ok {
		return id, true, nil
	}
	return hindsight.Identity{}, false, nil
}

// require wraps h so that only identities with at least role min reach it;
// the identity travels in the request's context and is recorded in history.
// Anonymous requests get 401, insufficient roles 403, and writes that a
// page of another site may have sent 403 or 415 (checkBrowserWrite).
func (s *Server) require(min hindsight.Role, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok, err := s.authenticate(r)
		if err != nil {
			Error(w, r, err)
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hindsight"`)
			Error(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED, "authentication required: send an API token as 'Authorization: Bearer hs_…'"))
			return
		}
		if !id.Role.Allows(min) {
			Error(w, r, hindsight.Errorf(hindsight.EFORBIDDEN, "%s has role %s; this needs %s or above", id.Name, id.Role, min))
			return
		}
		if err := s.checkBrowserWrite(r, id); err != nil {
			Error(w, r, err)
			return
		}
		h(w, r.WithContext(hindsight.NewContextWithIdentity(r.Context(), id)))
	}
}

// readable wraps a read-only handler: with AnonymousRead anyone may call
// it (a presented token must still be valid, and its identity travels in
// the context); otherwise it needs a viewer, like require.
func (s *Server) readable(h http.HandlerFunc) http.HandlerFunc {
	strict := s.require(hindsight.RoleViewer, h)
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.AnonymousRead {
			strict(w, r)
			return
		}
		id, ok, err := s.authenticate(r)
		if err != nil {
			Error(w, r, err)
			return
		}
		if ok {
			r = r.WithContext(hindsight.NewContextWithIdentity(r.Context(), id))
		}
		h(w, r)
	}
}
