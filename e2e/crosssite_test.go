package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// seenRequest is what the proxy saw of one API request and its answer.
type seenRequest struct {
	Method, Path, Origin, SecFetchSite, ContentType, Body string
	Status                                                int
}

// identityProxy is an authenticating reverse proxy as oauth2-proxy runs
// it: every request it forwards is signed in as user, whoever made the
// browser send it. It records the API requests it forwards.
type identityProxy struct {
	URL  string
	mu   sync.Mutex
	seen []seenRequest
}

// startIdentityProxy listens on 127.0.0.1, forwards to the server at
// target once it is set, and returns the proxy and a function that sets
// the target (the server's config needs the proxy's URL first).
func startIdentityProxy(t *testing.T, user string) (*identityProxy, func(target string)) {
	t.Helper()
	p := &identityProxy{}
	var rp *httputil.ReverseProxy
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") && r.Method == http.MethodPost {
			body, _ := readAllAndRestore(r)
			p.mu.Lock()
			p.seen = append(p.seen, seenRequest{Method: r.Method, Path: r.URL.Path, Origin: r.Header.Get("Origin"),
				SecFetchSite: r.Header.Get("Sec-Fetch-Site"), ContentType: r.Header.Get("Content-Type"), Body: body})
			p.mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	p.URL = ts.URL
	return p, func(target string) {
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		rp = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(u)
				pr.Out.Host = pr.In.Host // keep the public Host, as proxies are told to
				pr.Out.Header.Set("X-Forwarded-Email", user)
			},
			ModifyResponse: func(resp *http.Response) error {
				if strings.HasPrefix(resp.Request.URL.Path, "/api/") && resp.Request.Method == http.MethodPost {
					p.mu.Lock()
					p.seen[len(p.seen)-1].Status = resp.StatusCode
					p.mu.Unlock()
				}
				return nil
			},
		}
	}
}

// readAllAndRestore reads r's body and puts an equal one back.
func readAllAndRestore(r *http.Request) (string, error) {
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return string(b), err
}

// waitForPost waits until the proxy has answered n API POSTs and returns
// the n-th.
func (p *identityProxy) waitForPost(t *testing.T, n int) seenRequest {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p.mu.Lock()
		if len(p.seen) >= n && p.seen[n-1].Status != 0 {
			r := p.seen[n-1]
			p.mu.Unlock()
			return r
		}
		p.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("the proxy saw no answered POST number %d within 30s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// forgedFormPage is another site's page that makes the browser post a
// text/plain form whose one field spells a valid timeline event as JSON.
func forgedFormPage(action string) string {
	name := `{"time":"2025-09-30T00:40:00Z","type":"finding","event":"Forged from another site","actor":"evil","action":"`
	return `<!doctype html><html><body><form method="post" enctype="text/plain" action="` + html.EscapeString(action) + `">` +
		`<input type="hidden" name="` + html.EscapeString(name) + `" value='"}'></form>` +
		`<script>document.forms[0].submit()</script></body></html>`
}

// TestBrowser_CrossSiteFormThroughProxy runs hindsight serve behind an
// authenticating proxy that signs every request in as an editor. Pages
// of two other sites, one on 127.0.0.1 with another port and one on
// localhost, auto-submit a text/plain form to the JSON API in Chromium.
// Each submission must be refused and store nothing; the same body sent
// as JSON by a client that is not a browser page is stored, so the form
// was a valid write that only the cross-site rules stop.
func TestBrowser_CrossSiteFormThroughProxy(t *testing.T) {
	t.Parallel()
	testenv.ChromiumPath(t)
	const wh = "e2e-webhook-secret"
	proxy, setTarget := startIdentityProxy(t, "ana@example.com")
	s := startUIServerWithConfig(t, wh, "server:\n  base_url: "+proxy.URL+"\n"+
		"auth:\n  proxy:\n    trusted_cidrs: [127.0.0.1]\n    roles:\n      ana@example.com: editor\n")
	setTarget(s.URL)
	viewer := s.token(t, "viewer", "reader")
	id := s.postAlert(t, wh, filepath.Join("..", "testdata", "alertmanager", "1-group-firing-3-alerts.json"))
	before := countEvents(t, s.URL, viewer, id)
	action := proxy.URL + "/api/v1/incidents/" + id + "/timeline"

	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, forgedFormPage(action))
	}))
	t.Cleanup(evil.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(evil.URL, "http://"))
	sites := []struct {
		name, page, site string
	}{
		// Chromium counts 127.0.0.1 on another port as the same site
		// (sites ignore ports) but another origin.
		{"OtherPort", evil.URL, "same-site"},
		{"Localhost", "http://localhost:" + port, "cross-site"},
	}
	p := newPage(t, evil.URL)
	for i, site := range sites {
		p.do("open the other site's page", chromedp.Navigate(site.page+"/"))
		got := proxy.waitForPost(t, i+1)
		t.Logf("%s: Chromium sent Origin %q, Sec-Fetch-Site %q, Content-Type %q; the API answered %d",
			site.name, got.Origin, got.SecFetchSite, got.ContentType, got.Status)
		if got.Origin != site.page || got.SecFetchSite != site.site || !strings.HasPrefix(got.ContentType, "text/plain") {
			t.Errorf("%s: the browser sent Origin %q, Sec-Fetch-Site %q, Content-Type %q; want %q, %q, text/plain",
				site.name, got.Origin, got.SecFetchSite, got.ContentType, site.page, site.site)
		}
		if got.Status != http.StatusForbidden {
			t.Errorf("%s: the API answered %d to the other site's form, want 403", site.name, got.Status)
		}
		if n := countEvents(t, s.URL, viewer, id); n != before {
			t.Fatalf("%s: the form stored %d timeline events", site.name, n-before)
		}
	}
	p.shot("crosssite-refused")

	// The same body as JSON from a client that is not a page: stored.
	body := proxy.seen[0].Body
	req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || countEvents(t, s.URL, viewer, id) != before+1 {
		t.Fatalf("the forged body as JSON through the proxy: %d; it should be a valid write", resp.StatusCode)
	}
}

// countEvents returns how many timeline events incident id has.
func countEvents(t *testing.T, base, token, id string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/incidents/"+id+"/timeline", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("timeline of %s: %d %v", id, resp.StatusCode, err)
	}
	return len(out.Items)
}
