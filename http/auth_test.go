package http_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// mustDo sends req with c and returns the answer and its whole body.
func mustDo(tb testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	tb.Helper()
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, b
}

// mustCreateToken stores a token of the given role and returns its secret.
func mustCreateToken(tb testing.TB, s hindsight.TokenService, name string, role hindsight.Role) string {
	tb.Helper()
	secret, err := hindsight.NewToken()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.CreateToken(context.Background(), &hindsight.APIToken{Name: name, Role: string(role), Hash: hindsight.HashToken(secret)}); err != nil {
		tb.Fatal(err)
	}
	return secret
}

func TestAuth_TokensAndProxy(t *testing.T) {
	store := teststore.SQLite(t)
	srv := hhttp.NewServer()
	srv.Incidents, srv.Tokens = store, store
	srv.ProxyAuth = hhttp.ProxyAuth{
		Trusted:     []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")},
		Roles:       map[string]hindsight.Role{"boss@example.com": hindsight.RoleAdmin},
		DefaultRole: hindsight.RoleViewer,
	}
	viewer := mustCreateToken(t, store, "viewer", hindsight.RoleViewer)
	tests := []struct {
		name   string
		setup  func(r *http.Request)
		status int
	}{
		{"Anonymous", func(r *http.Request) {}, http.StatusUnauthorized},
		{"UnknownToken", func(r *http.Request) { r.Header.Set("Authorization", "Bearer hs_nope") }, http.StatusUnauthorized},
		{"ViewerToken", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+viewer) }, http.StatusOK},
		{"TrustedProxy", func(r *http.Request) {
			r.RemoteAddr = "10.1.2.3:5555"
			r.Header.Set("X-Forwarded-Email", "ana@example.com")
		}, http.StatusOK},
		{"UntrustedProxyHeaderIgnored", func(r *http.Request) {
			r.RemoteAddr = "192.0.2.1:5555"
			r.Header.Set("X-Forwarded-Email", "boss@example.com")
		}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/whoami", nil)
			tt.setup(r)
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
		})
	}
}
