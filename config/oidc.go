package config

import (
	"net/url"
	"sort"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// OIDCConfig is OpenID Connect sign-in; an empty Issuer offers none.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, such as
	// https://accounts.example.com; its discovery document is read at start.
	Issuer   string `yaml:"issuer" json:"issuer"`
	ClientID string `yaml:"client_id" json:"client_id"`
	// ClientSecret is printed as <secret>.
	ClientSecret Secret `yaml:"client_secret" json:"client_secret"`
	// Name is shown on the sign-in page ("Sign in with Name"); "" means
	// "single sign-on".
	Name string `yaml:"name" json:"name"`
	// Scopes are requested besides openid.
	Scopes []string `yaml:"scopes" json:"scopes"`
	// GroupsClaim names the ID token claim that lists the person's groups.
	GroupsClaim string `yaml:"groups_claim" json:"groups_claim"`
	// Roles maps a role onto the groups that give it:
	// {approver: [sre-leads], editor: [sre]}; the highest role wins.
	Roles map[hindsight.Role][]string `yaml:"roles" json:"roles"`
	// DefaultRole is the role of a person in none of those groups.
	DefaultRole hindsight.Role `yaml:"default_role" json:"default_role"`
}

// Enabled reports whether OpenID Connect sign-in is configured.
func (o OIDCConfig) Enabled() bool { return strings.TrimSpace(o.Issuer) != "" }

// defaultOIDC offers no OpenID Connect sign-in; once an issuer is set, it
// asks for the profile and e-mail, reads roles from "groups" and makes
// everyone else a viewer.
func defaultOIDC() OIDCConfig {
	return OIDCConfig{Scopes: []string{"profile", "email"}, GroupsClaim: "groups", Roles: map[hindsight.Role][]string{},
		DefaultRole: hindsight.RoleViewer}
}

// oidc checks auth.oidc.
func (v *fieldErrors) oidc(o OIDCConfig) {
	if !o.DefaultRole.Valid() {
		v.add("auth.oidc.default_role", "must be viewer, editor, approver or admin, got %q", o.DefaultRole)
	}
	roles := make([]string, 0, len(o.Roles))
	for r := range o.Roles {
		roles = append(roles, string(r))
	}
	sort.Strings(roles)
	for _, r := range roles {
		if !hindsight.Role(r).Valid() {
			v.add("auth.oidc.roles."+r, "is not a role: use viewer, editor, approver or admin")
		}
	}
	if !o.Enabled() {
		return
	}
	if u, err := url.Parse(o.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.add("auth.oidc.issuer", "must be the provider's issuer URL, such as https://accounts.example.com, got %q", o.Issuer)
	}
	if strings.TrimSpace(o.ClientID) == "" {
		v.add("auth.oidc.client_id", "is required with auth.oidc.issuer")
	}
	if strings.TrimSpace(o.GroupsClaim) == "" && len(o.Roles) > 0 {
		v.add("auth.oidc.groups_claim", "is required with auth.oidc.roles")
	}
}
