package main

import (
	"strings"

	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// wireUI gives the server what the web UI needs: the store for its pages
// and sessions (its forms drive the one review service newReview builds). UI cookies are
// always Secure when server.base_url is https://; otherwise (unset, or
// http://) they follow each request's scheme: Secure over HTTPS, or when a
// trusted proxy says X-Forwarded-Proto: https, so that sign-in over plain
// http://hindsight.internal:8080 works with the default settings.
func (m *Main) wireUI(s *hhttp.Server, store *sqlstore.Store) {
	s.UIStore = store
	s.Sessions = store
	s.SecureCookies = strings.HasPrefix(strings.ToLower(m.Config.Server.BaseURL), "https://")
	s.BaseURL = m.Config.Server.BaseURL
	m.wireAuth(s)
}

// wireAuth applies the auth section: anonymous reads, and the reverse
// proxy trusted to assert identities. Validate has checked the networks;
// one that still does not parse leaves the proxy untrusted.
func (m *Main) wireAuth(s *hhttp.Server) {
	a := m.Config.Auth
	s.AnonymousRead = a.AnonymousRead
	prefixes, err := a.Proxy.Prefixes()
	if err != nil {
		m.logger().Error("auth.proxy.trusted_cidrs does not parse: no proxy is trusted", "err", err)
		return
	}
	s.ProxyAuth = hhttp.ProxyAuth{Trusted: prefixes, UserHeader: a.Proxy.UserHeader, Roles: a.Proxy.RoleMap(), DefaultRole: a.Proxy.DefaultRole}
}
