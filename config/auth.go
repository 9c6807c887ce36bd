package config

import (
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// AuthConfig governs who may read without signing in and which reverse
// proxy may assert identities.
type AuthConfig struct {
	Proxy ProxyConfig `yaml:"proxy" json:"proxy"`
	// AnonymousRead lets visitors without credentials read the incidents,
	// post-mortems and UI pages. The default, false, asks every reader to
	// sign in (a viewer token or session, or a trusted proxy's user).
	AnonymousRead bool `yaml:"anonymous_read" json:"anonymous_read"`
	// OIDC is OpenID Connect sign-in (oidc.go).
	OIDC OIDCConfig `yaml:"oidc" json:"oidc"`
}

// ProxyConfig trusts an authenticating reverse proxy (oauth2-proxy style
// X-Forwarded-Email header) on requests from its networks only.
type ProxyConfig struct {
	// TrustedCIDRs are the proxy's networks, such as 10.0.0.0/8 or
	// 127.0.0.1/32. Empty means no proxy is trusted.
	TrustedCIDRs []string `yaml:"trusted_cidrs" json:"trusted_cidrs"`
	// UserHeader is the one header that names the user, such as
	// X-Forwarded-Email (the default) or X-Forwarded-User. The proxy must
	// overwrite it on every request; every other identity header is
	// ignored and removed.
	UserHeader string `yaml:"user_header" json:"user_header"`
	// DefaultRole is the role of a proxy user not listed in Roles.
	DefaultRole hindsight.Role `yaml:"default_role" json:"default_role"`
	// Roles maps a user (e-mail or user name, case-insensitive) onto a role.
	Roles map[string]hindsight.Role `yaml:"roles" json:"roles"`
}

// defaultAuth trusts no proxy, gives proxy users the viewer role, and
// asks readers to sign in.
func defaultAuth() AuthConfig {
	return AuthConfig{Proxy: ProxyConfig{UserHeader: "X-Forwarded-Email", DefaultRole: hindsight.RoleViewer, Roles: map[string]hindsight.Role{}},
		OIDC: defaultOIDC()}
}

// Prefixes parses TrustedCIDRs; Validate reports the ones that do not parse.
func (p ProxyConfig) Prefixes() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(p.TrustedCIDRs))
	for _, s := range p.TrustedCIDRs {
		prefix, err := parseCIDR(s)
		if err != nil {
			return nil, err
		}
		out = append(out, prefix)
	}
	return out, nil
}

// RoleMap returns Roles keyed by lower-cased user, as the server looks them up.
func (p ProxyConfig) RoleMap() map[string]hindsight.Role {
	out := make(map[string]hindsight.Role, len(p.Roles))
	for user, role := range p.Roles {
		out[strings.ToLower(strings.TrimSpace(user))] = role
	}
	return out
}

// headerNameRE matches an HTTP header name (RFC 9110 token characters).
var headerNameRE = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")

// parseCIDR reads a network, or a single address as a one-address network.
func parseCIDR(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return p.Masked(), nil
}

// auth checks the auth section.
func (v *fieldErrors) auth(a AuthConfig) {
	v.oidc(a.OIDC)
	for _, s := range a.Proxy.TrustedCIDRs {
		if _, err := parseCIDR(s); err != nil {
			v.add("auth.proxy.trusted_cidrs", "%q is not a network such as 10.0.0.0/8 or an address such as 127.0.0.1", s)
		}
	}
	if !headerNameRE.MatchString(a.Proxy.UserHeader) {
		v.add("auth.proxy.user_header", "%q is not a header name such as X-Forwarded-Email", a.Proxy.UserHeader)
	}
	if !a.Proxy.DefaultRole.Valid() {
		v.add("auth.proxy.default_role", "must be viewer, editor, approver or admin, got %q", a.Proxy.DefaultRole)
	}
	users := make([]string, 0, len(a.Proxy.Roles))
	for user := range a.Proxy.Roles {
		users = append(users, user)
	}
	sort.Strings(users)
	for _, user := range users {
		if strings.TrimSpace(user) == "" {
			v.add("auth.proxy.roles", "a user name is empty")
		}
		if role := a.Proxy.Roles[user]; !role.Valid() {
			v.add("auth.proxy.roles."+user, "must be viewer, editor, approver or admin, got %q", role)
		}
	}
}
