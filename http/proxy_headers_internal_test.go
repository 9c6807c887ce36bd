package http

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestStripIdentityHeaders checks what reaches the handlers: only the
// configured header, and only from a trusted proxy.
func TestStripIdentityHeaders(t *testing.T) {
	s := &Server{ProxyAuth: ProxyAuth{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, UserHeader: "x-forwarded-user"}}
	var seen http.Header
	h := s.stripIdentityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.Header.Clone() }))
	for _, tt := range []struct {
		name, peer, want string
	}{
		{"Trusted", "10.0.0.1:1", "ana"},
		{"Untrusted", "192.0.2.1:1", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.peer
			for _, name := range identityHeaders {
				r.Header.Set(name, "boss")
			}
			r.Header.Set("X-Forwarded-User", "ana")
			r.Header.Set("X-Request-Id", "kept")
			h.ServeHTTP(httptest.NewRecorder(), r)
			for _, name := range identityHeaders {
				want := ""
				if name == "X-Forwarded-User" {
					want = tt.want
				}
				if got := seen.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if seen.Get("X-Request-Id") != "kept" {
				t.Error("an unrelated header was removed")
			}
		})
	}
}
