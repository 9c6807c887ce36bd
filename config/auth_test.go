package config_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

func TestAuthConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		a := config.Default().Auth
		if a.AnonymousRead || a.Proxy.DefaultRole != hindsight.RoleViewer || len(a.Proxy.TrustedCIDRs) != 0 || a.Proxy.UserHeader != "X-Forwarded-Email" {
			t.Fatalf("defaults %+v", a)
		}
	})
	t.Run("Loads", func(t *testing.T) {
		c, err := loadYAML(t, "auth:\n  anonymous_read: true\n  proxy:\n    trusted_cidrs: [10.0.0.0/8, 127.0.0.1]\n    default_role: editor\n    user_header: X-Forwarded-User\n    roles:\n      Ana@Example.com: approver\n")
		if err != nil {
			t.Fatal(err)
		}
		prefixes, err := c.Auth.Proxy.Prefixes()
		if err != nil || len(prefixes) != 2 || prefixes[1].String() != "127.0.0.1/32" {
			t.Fatalf("prefixes %v, %v", prefixes, err)
		}
		if !c.Auth.AnonymousRead || c.Auth.Proxy.DefaultRole != hindsight.RoleEditor || c.Auth.Proxy.UserHeader != "X-Forwarded-User" || c.Auth.Proxy.RoleMap()["ana@example.com"] != hindsight.RoleApprover {
			t.Fatalf("auth %+v", c.Auth)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		_, err := loadYAML(t, "auth:\n  proxy:\n    trusted_cidrs: [10.0.0.0/33, nowhere]\n    user_header: \"X Forwarded: User\"\n    default_role: root\n    roles:\n      ana: boss\n")
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{"auth.proxy.trusted_cidrs", "10.0.0.0/33", "nowhere", "auth.proxy.user_header", "auth.proxy.default_role", "auth.proxy.roles.ana"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	})
	t.Run("UnknownKey", func(t *testing.T) {
		_, err := loadYAML(t, "auth:\n  proxy:\n    trusted: [10.0.0.0/8]\n")
		if err == nil || !strings.Contains(err.Error(), "auth.proxy.trusted") {
			t.Fatalf("error %v", err)
		}
	})
}
