package http_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// sessionRows returns how many UI sessions the store holds.
func sessionRows(t *testing.T, store *sqlstore.Store) int64 {
	t.Helper()
	// Every session expires within a year: deleting those expired a year
	// from now counts them. The test ends with this call.
	n, err := store.DeleteExpiredSessions(context.Background(), time.Now().AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// viaProxy returns a configure function trusting loopback as the proxy,
// with roles.
func viaProxy(roles map[string]hindsight.Role) func(s *hhttp.Server) {
	return func(s *hhttp.Server) {
		s.ProxyAuth = hhttp.ProxyAuth{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
			Roles: roles, DefaultRole: hindsight.RoleViewer}
	}
}

// proxyGet sends a cookie-less GET as the proxy user name.
func proxyGet(t *testing.T, base, path, name string, cookie *http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-Email", name)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, body := mustDo(t, http.DefaultClient, req)
	return resp, string(body)
}

// TestProxySessions_OnePerIdentity: requests through the trusted proxy that
// keep no cookie share one session row per user, not one per request.
func TestProxySessions_OnePerIdentity(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		e := mustOpenUIOn(t, store, viaProxy(nil))
		for i := range 30 {
			for _, name := range []string{"ana@example.com", "bob@example.com"} {
				if resp, body := proxyGet(t, e.url, "/incidents", name, nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, name) {
					t.Fatalf("request %d as %s: %d", i, name, resp.StatusCode)
				}
			}
		}
		if n := sessionRows(t, store); n != 2 {
			t.Errorf("%d session rows after 60 cookie-less requests of two users, want 2", n)
		}
	})
}

// TestProxySessions_RoleReread: a proxy user demoted in the configuration
// (a server restarted with the new roles) has the new role on the next
// request with their session cookie, not the one of their sign-in.
func TestProxySessions_RoleReread(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		const ana = "ana@example.com"
		before := mustOpenUIOn(t, store, viaProxy(map[string]hindsight.Role{ana: hindsight.RoleEditor}))
		resp, body := proxyGet(t, before.url, "/incidents", ana, nil)
		if !strings.Contains(body, `<span class="role">editor</span>`) {
			t.Fatalf("ana is not an editor before the demotion: %d", resp.StatusCode)
		}
		var cookie *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == hhttp.SessionCookie {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatal("no session cookie")
		}
		after := hhttp.NewServer()
		after.Addr = "127.0.0.1:0"
		after.Store, after.Incidents, after.Tokens, after.UIStore, after.Sessions = store, store, store, store, store
		viaProxy(map[string]hindsight.Role{ana: hindsight.RoleViewer})(after)
		if err := after.Open(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { after.Close() })
		_, body = proxyGet(t, after.URL(), "/incidents", ana, cookie)
		if !strings.Contains(body, `<span class="role">viewer</span>`) {
			t.Errorf("after the demotion the session still carries the old role")
		}
	})
}

// rawPost opens a connection and sends a webhook request declaring length
// bytes of body, of which it sends only sent; the caller ends it.
func rawPost(t *testing.T, base string, length int, sent string) net.Conn {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", u.Host, token, length, sent)
	return conn
}

// answer reads the status of the answer on conn.
func answer(t *testing.T, conn net.Conn) *http.Response {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	resp.Body.Close()
	return resp
}

// TestWebhook_CutOffBodyIsTransient: a body that does not arrive whole, cut
// off or too slow, is answered 5xx, which Alertmanager retries, never 400.
func TestWebhook_CutOffBodyIsTransient(t *testing.T) {
	t.Run("CutOff", func(t *testing.T) {
		ts := MustOpenServer(t, nil)
		conn := rawPost(t, ts.url, 500, `{"version":"4","status":"firing","alerts":[`)
		conn.(*net.TCPConn).CloseWrite()
		if resp := answer(t, conn); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("cut-off body: %d, want 503", resp.StatusCode)
		}
	})
	t.Run("Slow", func(t *testing.T) {
		ts := MustOpenServer(t, nil)
		slow := httptest.NewUnstartedServer(ts.Handler())
		slow.Config.ReadTimeout = 300 * time.Millisecond
		slow.Start()
		t.Cleanup(slow.Close)
		conn := rawPost(t, slow.URL, 500, `{"version":"4",`)
		if resp := answer(t, conn); resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("slow body: %d, want 5xx or 408", resp.StatusCode)
		}
	})
}

// TestWebhook_BodiesInFlightCapped: beyond the in-flight budget the webhook
// answers 503 with Retry-After instead of reading more bodies at once; once
// the bodies held are done, it accepts again.
func TestWebhook_BodiesInFlightCapped(t *testing.T) {
	var srv *hhttp.Server
	ts := MustOpenServer(t, func(s *hhttp.Server) {
		s.WebhookBodyLimit = 4 << 10
		s.WebhookInflightLimit = 8 << 10
		srv = s
	})
	held := []net.Conn{rawPost(t, ts.url, 4<<10, `{`), rawPost(t, ts.url, 4<<10, `{`)}
	// Both held bodies must have their room before the next request comes,
	// or that request could take it first.
	for deadline := time.Now().Add(2 * time.Minute); srv.WebhookBodiesHeld() != 8<<10; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the held bodies reserved %d bytes, want %d", srv.WebhookBodiesHeld(), 8<<10)
		}
	}
	body := fixture(t, "0-single-alert-firing.json")
	req, _ := http.NewRequest(http.MethodPost, ts.url+"/api/v1/alerts/alertmanager", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, _ := mustDo(t, http.DefaultClient, req)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("with the budget held: %d (Retry-After %q), want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, c := range held {
		c.(*net.TCPConn).CloseWrite()
		answer(t, c)
	}
	if code, out := ts.post(t, body, bearer(token)); code != http.StatusOK {
		t.Errorf("after the held bodies ended: %d %v", code, out)
	}
	// A request's room is released just after its answer is written.
	for deadline := time.Now().Add(time.Minute); srv.WebhookBodiesHeld() != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still reserved after every request was answered", srv.WebhookBodiesHeld())
		}
	}
}

// TestPagination_Bounded: an offset past any list is refused with a 400
// naming it on the API, and clamped in the UI; nothing panics.
func TestPagination_Bounded(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		e := mustOpenUIOn(t, store, nil)
		b := e.signedIn(t, hindsight.RoleViewer)
		for _, offset := range []string{"9223372036854775807", "1000001", "99999999999999999999"} {
			for _, path := range []string{"/api/v1/incidents", "/api/v1/actions", "/api/v1/search?q=api&x=",
				"/api/v1/incidents/" + e.incident + "/revisions"} {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				req, _ := http.NewRequest(http.MethodGet, e.url+path+sep+"offset="+offset, nil)
				req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleViewer])
				resp, body := mustDo(t, http.DefaultClient, req)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"offset"`) {
					t.Errorf("GET %s offset=%s: %d %s, want 400 naming offset", path, offset, resp.StatusCode, body)
				}
			}
			for _, path := range []string{"/incidents", "/actions", "/incidents/" + e.incident + "/history"} {
				if resp, _ := b.get(path + "?offset=" + offset); resp.StatusCode != http.StatusOK {
					t.Errorf("UI %s offset=%s: %d, want 200", path, offset, resp.StatusCode)
				}
			}
		}
		if resp, _ := b.get("/incidents"); resp.StatusCode != http.StatusOK {
			t.Fatalf("the server no longer answers: %d", resp.StatusCode)
		}
	})
}
