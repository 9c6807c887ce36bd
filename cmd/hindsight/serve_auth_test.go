package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// getStatus reads path with the given headers and returns the status.
func getStatus(t *testing.T, url string, header map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestServe_AuthConfig(t *testing.T) {
	t.Parallel()
	t.Run("ReadsNeedAViewer", func(t *testing.T) {
		m := MustRunMain(t, teststore.SQLiteDSN(t), nil)
		if got := getStatus(t, m.URL()+"/api/v1/incidents", nil); got != http.StatusUnauthorized {
			t.Errorf("anonymous read: %d, want 401", got)
		}
		secret, _ := hindsight.NewToken()
		tok := &hindsight.APIToken{Name: "reader", Role: string(hindsight.RoleViewer), Hash: hindsight.HashToken(secret)}
		if err := m.Store.CreateToken(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		if got := getStatus(t, m.URL()+"/api/v1/incidents", map[string]string{"Authorization": "Bearer " + secret}); got != http.StatusOK {
			t.Errorf("viewer read: %d, want 200", got)
		}
	})
	t.Run("AnonymousRead", func(t *testing.T) {
		m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) { m.Config.Auth.AnonymousRead = true })
		if got := getStatus(t, m.URL()+"/api/v1/incidents", nil); got != http.StatusOK {
			t.Errorf("anonymous read: %d, want 200", got)
		}
	})
	t.Run("TrustedProxy", func(t *testing.T) {
		m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
			m.Config.Auth.Proxy.TrustedCIDRs = []string{"127.0.0.1/32"}
			m.Config.Auth.Proxy.Roles = map[string]hindsight.Role{"Ana@Example.com": hindsight.RoleAdmin}
		})
		h := map[string]string{"X-Forwarded-Email": "ana@example.com"}
		if got := getStatus(t, m.URL()+"/api/v1/whoami", h); got != http.StatusOK {
			t.Errorf("proxy user: %d, want 200", got)
		}
		if got := getStatus(t, m.URL()+"/api/v1/incidents", h); got != http.StatusOK {
			t.Errorf("proxy user read: %d, want 200", got)
		}
	})
	t.Run("OnlyTheConfiguredHeader", func(t *testing.T) {
		m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
			m.Config.Auth.Proxy.TrustedCIDRs = []string{"127.0.0.1/32"}
			m.Config.Auth.Proxy.UserHeader = "X-Forwarded-User"
			m.Config.Auth.Proxy.Roles = map[string]hindsight.Role{"boss@example.com": hindsight.RoleAdmin, "ana": hindsight.RoleViewer}
		})
		req, _ := http.NewRequest(http.MethodGet, m.URL()+"/api/v1/whoami", nil)
		req.Header.Set("X-Forwarded-User", "ana")
		req.Header.Set("X-Forwarded-Email", "boss@example.com")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var id hindsight.Identity
		if err := json.NewDecoder(resp.Body).Decode(&id); err != nil || id.Name != "ana" || id.Role != hindsight.RoleViewer {
			t.Errorf("identity %+v (%v), want ana as viewer: X-Forwarded-Email must be ignored", id, err)
		}
		if got := getStatus(t, m.URL()+"/api/v1/whoami", map[string]string{"X-Forwarded-Email": "boss@example.com"}); got != http.StatusUnauthorized {
			t.Errorf("X-Forwarded-Email alone: %d, want 401", got)
		}
	})
}
