package main

import (
	"context"
	"fmt"

	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/oidc"
)

// wireOIDC offers OpenID Connect sign-in when auth.oidc.issuer is set: the
// issuer's discovery document is read now, so that a wrong issuer stops
// the start with a clear error rather than the first sign-in.
func (m *Main) wireOIDC(ctx context.Context, s *hhttp.Server) error {
	c := m.Config.Auth.OIDC
	if !c.Enabled() {
		return nil
	}
	p, err := oidc.New(ctx, oidc.Config{Name: c.Name, Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: string(c.ClientSecret),
		Scopes: c.Scopes, GroupsClaim: c.GroupsClaim, Roles: c.Roles, DefaultRole: c.DefaultRole, Now: m.Now})
	if err != nil {
		return fmt.Errorf("auth.oidc: %w", err)
	}
	s.SignOn = p
	m.logger().Info("OpenID Connect sign-in enabled", "issuer", c.Issuer, "client_id", c.ClientID)
	return nil
}
