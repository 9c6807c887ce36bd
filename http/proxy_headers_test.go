package http_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestProxyAuth_OnlyTheConfiguredHeader puts a proxy that sets only
// X-Forwarded-User in front of the server: whatever else the client sends
// (X-Forwarded-Email naming an admin, the header twice, a list) must not
// change who the request is.
func TestProxyAuth_OnlyTheConfiguredHeader(t *testing.T) {
	store := teststore.SQLite(t)
	srv := hhttp.NewServer()
	srv.Incidents, srv.Tokens = store, store
	srv.ProxyAuth = hhttp.ProxyAuth{
		Trusted:    []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")},
		UserHeader: "X-Forwarded-User",
		Roles: map[string]hindsight.Role{
			"boss@example.com": hindsight.RoleAdmin, "boss": hindsight.RoleAdmin, "ana": hindsight.RoleViewer,
		},
		DefaultRole: hindsight.RoleViewer,
	}
	tests := []struct {
		name   string
		peer   string
		header http.Header
		status int
		who    string
		role   hindsight.Role
	}{
		{"ProxyUser", "10.1.2.3:5555", http.Header{"X-Forwarded-User": {"ana"}}, http.StatusOK, "ana", hindsight.RoleViewer},
		{"ClientEmailIgnored", "10.1.2.3:5555", http.Header{"X-Forwarded-User": {"ana"}, "X-Forwarded-Email": {"boss@example.com"}}, http.StatusOK, "ana", hindsight.RoleViewer},
		{"ClientOtherHeadersIgnored", "10.1.2.3:5555", http.Header{"X-Forwarded-User": {"ana"}, "Remote-User": {"boss"}, "X-Auth-Request-User": {"boss"}, "X-Forwarded-Preferred-Username": {"boss"}}, http.StatusOK, "ana", hindsight.RoleViewer},
		{"EmailAloneIsNobody", "10.1.2.3:5555", http.Header{"X-Forwarded-Email": {"boss@example.com"}}, http.StatusUnauthorized, "", ""},
		{"HeaderTwice", "10.1.2.3:5555", http.Header{"X-Forwarded-User": {"boss", "ana"}}, http.StatusUnauthorized, "", ""},
		{"HeaderList", "10.1.2.3:5555", http.Header{"X-Forwarded-User": {"boss, ana"}}, http.StatusUnauthorized, "", ""},
		{"UntrustedPeer", "192.0.2.1:5555", http.Header{"X-Forwarded-User": {"boss"}}, http.StatusUnauthorized, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/whoami", nil)
			r.RemoteAddr = tt.peer
			for k, vs := range tt.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status != http.StatusOK {
				return
			}
			var id hindsight.Identity
			if err := json.Unmarshal(w.Body.Bytes(), &id); err != nil {
				t.Fatal(err)
			}
			if id.Name != tt.who || id.Role != tt.role {
				t.Errorf("identity %+v, want %s with role %s", id, tt.who, tt.role)
			}
		})
	}
}
