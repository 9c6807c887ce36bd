package http_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// uiEnv is a running server with the web UI over a SQLite store, a token
// per role and one incident with a draft post-mortem.
type uiEnv struct {
	srv      *hhttp.Server
	store    *sqlstore.Store
	url      string
	tokens   map[hindsight.Role]string
	incident string
}

// mustOpenUI starts the server with the UI wired as "hindsight serve" does;
// configure, if not nil, adjusts it before it opens.
func mustOpenUI(tb testing.TB, configure func(s *hhttp.Server)) *uiEnv {
	tb.Helper()
	return mustOpenUIOn(tb, teststore.SQLite(tb), configure)
}

// mustOpenUIOn is mustOpenUI on the given store.
func mustOpenUIOn(tb testing.TB, store *sqlstore.Store, configure func(s *hhttp.Server)) *uiEnv {
	tb.Helper()
	s := hhttp.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Store, s.Incidents, s.Tokens, s.UIStore, s.Sessions = store, store, store, store, store
	s.Changes, s.Attachments = store, store
	s.Render = func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
	wf := review.NewService(store, hindsight.DefaultSignOffPolicy())
	s.Review = wf
	s.NotificationPrefs = store
	s.SecureCookies = false
	if configure != nil {
		configure(s)
	}
	if err := s.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	e := &uiEnv{srv: s, store: store, url: s.URL(), tokens: map[hindsight.Role]string{}}
	for _, r := range hindsight.Roles {
		e.tokens[r] = mustCreateToken(tb, store, string(r), r)
	}
	e.incident = mustCreateDraft(tb, store, "HighAPIErrorRate", "API error rate above 5%")
	return e
}

// mustCreateDraft stores an incident with its draft post-mortem.
func mustCreateDraft(tb testing.TB, store *sqlstore.Store, title, summary string) string {
	tb.Helper()
	start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	inc := hindsight.Incident{ID: hindsight.IncidentID(start, title), Title: title, AlertName: title, Severity: hindsight.SEV2,
		Status: hindsight.IncidentInvestigating, Summary: summary, Services: []string{"api"}, StartedAt: start}
	ctx := context.Background()
	if err := store.CreateIncident(ctx, &inc); err != nil {
		tb.Fatal(err)
	}
	pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "oncall", Version: "test", Now: start})
	if err := store.CreateDocument(ctx, &pm.Document); err != nil {
		tb.Fatal(err)
	}
	return inc.ID
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so that tests see every answer.
type browser struct {
	tb   testing.TB
	base string
	c    *http.Client
	// csrf is the token of the last page's forms.
	csrf string
}

func (e *uiEnv) browser(tb testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{tb: tb, base: e.url, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signedIn returns a browser signed in with the token of role.
func (e *uiEnv) signedIn(tb testing.TB, role hindsight.Role) *browser {
	b := e.browser(tb)
	b.get("/signin")
	resp, body := b.post("/signin", url.Values{"token": {e.tokens[role]}})
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign in as %s: %d\n%s", role, resp.StatusCode, body)
	}
	b.get("/incidents")
	return b
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.tb.Helper()
	resp, body := mustDo(b.tb, b.c, req)
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// post submits a form with the current CSRF token unless form sets one.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.tb.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func wantStatus(tb testing.TB, what string, resp *http.Response, body string, want int) {
	tb.Helper()
	if resp.StatusCode != want {
		tb.Fatalf("%s: status %d, want %d\n%.2000s", what, resp.StatusCode, want, body)
	}
}

func TestUI_SignInAndSessions(t *testing.T) {
	e := mustOpenUI(t, nil)
	t.Run("AnonymousRedirectsToSignIn", func(t *testing.T) {
		resp, body := e.browser(t).get("/incidents?status=RESOLVED")
		wantStatus(t, "GET /incidents", resp, body, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/signin?next=%2Fincidents%3Fstatus%3DRESOLVED" {
			t.Errorf("Location = %q", loc)
		}
	})
	t.Run("UnknownToken", func(t *testing.T) {
		b := e.browser(t)
		b.get("/signin")
		resp, body := b.post("/signin", url.Values{"token": {"hs_0000"}})
		wantStatus(t, "sign in", resp, body, http.StatusUnauthorized)
		if !strings.Contains(body, "unknown or revoked token") || b.cookie(hhttp.SessionCookie) != nil {
			t.Errorf("want an explanation and no session:\n%s", body)
		}
	})
	t.Run("SessionIsHashedAndEnds", func(t *testing.T) {
		b := e.signedIn(t, hindsight.RoleEditor)
		c := b.cookie(hhttp.SessionCookie)
		if c == nil || len(c.Value) != 64 {
			t.Fatalf("session cookie = %v", c)
		}
		if _, err := e.store.FindSessionByHash(context.Background(), c.Value, time.Now()); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			t.Errorf("the raw session ID must not be stored: %v", err)
		}
		sess, err := e.store.FindSessionByHash(context.Background(), hindsight.HashToken(c.Value), time.Now())
		if err != nil || sess.Identity.Name != "editor" || sess.Identity.Role != hindsight.RoleEditor {
			t.Fatalf("stored session = %+v, %v", sess, err)
		}
		resp, body := b.post("/signout", nil)
		wantStatus(t, "sign out", resp, body, http.StatusSeeOther)
		if _, err := e.store.FindSessionByHash(context.Background(), hindsight.HashToken(c.Value), time.Now()); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			t.Errorf("session still stored after sign-out: %v", err)
		}
		resp, body = b.get("/incidents")
		wantStatus(t, "after sign-out", resp, body, http.StatusSeeOther)
	})
	t.Run("DeletedTokenEndsSession", func(t *testing.T) {
		secret := mustCreateToken(t, e.store, "short-lived", hindsight.RoleViewer)
		e.tokens["short"] = secret
		b := e.signedIn(t, "short")
		toks, _ := e.store.FindTokens(context.Background())
		for _, tok := range toks {
			if tok.Name == "short-lived" {
				if err := e.store.DeleteToken(context.Background(), tok.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		resp, body := b.get("/incidents")
		wantStatus(t, "after revocation", resp, body, http.StatusSeeOther)
	})
	t.Run("OpenRedirectRefused", func(t *testing.T) {
		b := e.browser(t)
		b.get("/signin")
		resp, _ := b.post("/signin", url.Values{"token": {e.tokens[hindsight.RoleViewer]}, "next": {"//evil.example/x"}})
		if loc := resp.Header.Get("Location"); loc != "/incidents" {
			t.Errorf("Location = %q, want /incidents", loc)
		}
	})
}

func TestUI_CookieFlags(t *testing.T) {
	for _, secure := range []bool{true, false} {
		e := mustOpenUI(t, func(s *hhttp.Server) { s.SecureCookies = secure })
		b := e.browser(t)
		b.get("/signin")
		req, _ := http.NewRequest(http.MethodPost, e.url+"/signin", strings.NewReader(url.Values{"token": {e.tokens[hindsight.RoleViewer]}, "csrf_token": {b.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "hindsight_csrf", Value: preSession(t, b)})
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var set string
		for _, c := range resp.Header.Values("Set-Cookie") {
			if strings.HasPrefix(c, hhttp.SessionCookie+"=") {
				set = c
			}
		}
		for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"} {
			if !strings.Contains(set, want) {
				t.Errorf("SecureCookies=%v: Set-Cookie %q lacks %s", secure, set, want)
			}
		}
		if strings.Contains(set, "Secure") != secure {
			t.Errorf("SecureCookies=%v: Set-Cookie %q", secure, set)
		}
	}
}

// preSession returns the browser's pre-session CSRF cookie.
func preSession(tb testing.TB, b *browser) string {
	c := b.cookie("hindsight_csrf")
	if c == nil {
		tb.Fatal("no pre-session cookie")
	}
	return c.Value
}

func TestUI_BootstrapHint(t *testing.T) {
	store := teststore.SQLite(t)
	s := hhttp.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Store, s.Incidents, s.Tokens, s.UIStore, s.Sessions = store, store, store, store, store
	s.Changes, s.Attachments = store, store
	s.SecureCookies = false
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := &uiEnv{url: s.URL()}
	_, body := b.browser(t).get("/signin")
	if !strings.Contains(body, "hindsight token create --role admin --name NAME") {
		t.Errorf("no bootstrap hint on a store without tokens:\n%s", body)
	}
	mustCreateToken(t, store, "first", hindsight.RoleAdmin)
	if _, body = b.browser(t).get("/signin"); strings.Contains(body, "--role admin") {
		t.Errorf("bootstrap hint shown although a token exists")
	}
}
