package main

import (
	"context"
	"fmt"

	"github.com/hindsight-sre/hindsight/oidc"
)

// newSignOn builds the OpenID Connect sign-in when auth.oidc.issuer is
// set (nil otherwise): the issuer's discovery document is read now, so
// that a wrong issuer stops the start with a clear error rather than the
// first sign-in.
func (m *Main) newSignOn(ctx context.Context) (*oidc.Provider, error) {
	c := m.Config.Auth.OIDC
	if !c.Enabled() {
		return nil, nil
	}
	p, err := oidc.New(ctx, oidc.Config{Name: c.Name, Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: string(c.ClientSecret),
		Scopes: c.Scopes, GroupsClaim: c.GroupsClaim, Roles: c.Roles, DefaultRole: c.DefaultRole, Now: m.Now})
	if err != nil {
		return nil, fmt.Errorf("auth.oidc: %w", err)
	}
	m.logger().Info("OpenID Connect sign-in enabled", "issuer", c.Issuer, "client_id", c.ClientID)
	return p, nil
}
