package config_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestOIDCConfig(t *testing.T) {
	t.Run("File", func(t *testing.T) {
		c := MustLoad(t, MustWriteConfig(t, `
auth:
  oidc:
    issuer: https://accounts.example.com
    client_id: hindsight
    client_secret: oidc-pa55-word
    name: Example SSO
    roles: {approver: [sre-leads], editor: [sre]}
`))
		o := c.Auth.OIDC
		if !o.Enabled() || o.ClientID != "hindsight" || string(o.ClientSecret) != "oidc-pa55-word" || o.GroupsClaim != "groups" ||
			o.DefaultRole != hindsight.RoleViewer || len(o.Roles[hindsight.RoleApprover]) != 1 || len(o.Scopes) != 2 {
			t.Fatalf("read %+v", o)
		}
		if out := c.Redacted(); strings.Contains(out, "oidc-pa55-word") || !strings.Contains(out, "<secret>") {
			t.Fatalf("the client secret is printed:\n%s", out)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := loadYAML(t, `
auth:
  oidc:
    issuer: accounts.example.com
    default_role: boss
    roles: {root: [x]}
`)
		for _, want := range []string{"auth.oidc.issuer", "auth.oidc.client_id", "auth.oidc.default_role", "auth.oidc.roles.root"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want it to name %s", err, want)
			}
		}
	})
}
