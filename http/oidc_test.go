package http_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/oidc"
)

// testProvider is zitadel's in-memory OpenID provider storage with what
// the tests need on top: a groups claim per user, the profile and e-mail
// claims in the ID token, and on demand a client mix-up: the sign-in and
// the code exchange are done as another registered client, so that the ID
// token the server receives is for that client's audience.
type testProvider struct {
	*storage.Storage
	mu       sync.Mutex
	audience string
	groups   map[string][]string
}

func (s *testProvider) SetUserinfoFromRequest(ctx context.Context, ui *zoidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, req, append(scopes, zoidc.ScopeProfile, zoidc.ScopeEmail)); err != nil {
		return err
	}
	ui.AppendClaims("groups", s.groups[req.GetSubject()])
	return nil
}

func (s *testProvider) setAudience(aud string) {
	s.mu.Lock()
	s.audience = aud
	s.mu.Unlock()
}

// startProvider runs the OpenID provider on 127.0.0.1 with one web client,
// "hindsight", that returns to redirectURI.
func startProvider(t *testing.T, redirectURI string) (*testProvider, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	clients := map[string]*storage.Client{"hindsight": storage.WebClient("hindsight", "s3cret", redirectURI),
		"another-app": storage.WebClient("another-app", "other-s3cret", redirectURI)}
	p := &testProvider{Storage: storage.NewStorageWithClients(storage.NewUserStore(issuer), clients),
		groups: map[string][]string{"id1": {"staff", "sre-leads"}, "id2": {"staff"}}}
	opHandler := exampleop.SetupServer(issuer, p, nil, false)
	mixUp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		other := p.audience
		p.mu.Unlock()
		if other != "" && r.URL.Path == "/auth" {
			q := r.URL.Query()
			q.Set("client_id", other)
			r.URL.RawQuery = q.Encode()
		}
		if other != "" && r.URL.Path == "/oauth/token" {
			r.SetBasicAuth(other, "other-s3cret")
		}
		opHandler.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: mixUp, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return p, issuer
}

// TestBrowser_OIDCSignIn signs in through a real OpenID provider in
// Chromium: the role comes from the groups claim, the session carries the
// claims' name, e-mail and handle, the person joins the directory, and
// sign-out ends the session. A tampered state, an expired ID token and an
// ID token for another client are refused and open no session.
func TestBrowser_OIDCSignIn(t *testing.T) {
	testenv.ChromiumPath(t)
	// The provider must know the server's callback before the server
	// starts, so the server's port is chosen first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	prov, issuer := startProvider(t, "http://"+addr+"/signin/oidc/callback")
	clock := testenv.NewClock(time.Now())
	ctx := context.Background()
	signOn, err := oidc.New(ctx, oidc.Config{Name: "Example SSO", Issuer: issuer, ClientID: "hindsight", ClientSecret: "s3cret",
		GroupsClaim: "groups", DefaultRole: hindsight.RoleViewer,
		Roles: map[hindsight.Role][]string{hindsight.RoleApprover: {"sre-leads"}, hindsight.RoleEditor: {"sre"}}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e := mustOpenUI(t, func(s *hhttp.Server) { s.Addr, s.SignOn = addr, signOn })
	bctx := testenv.NewBrowserContext(t)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) string {
		c, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		s, err := chromedp.Run(c, chromedp.Evaluate[string](expr))
		if err != nil {
			return ""
		}
		return s
	}
	text := func(sel string) string {
		t.Helper()
		c, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		s, err := chromedp.Run(c, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	location := func() string { return eval("location.href") }
	shots := filepath.Join("..", ".artifacts", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) {
		t.Helper()
		c, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// click clicks sel and waits until a new document has loaded.
	click := func(sel string) {
		t.Helper()
		eval(`(window.__before = 1, "")`)
		run("click "+sel, chromedp.Click(sel))
		deadline := time.Now().Add(30 * time.Second)
		for eval(`typeof window.__before === "undefined" && document.readyState === "complete" ? "y" : ""`) != "y" {
			if time.Now().After(deadline) {
				t.Fatalf("no new page after clicking %s", sel)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	open := func(url string) {
		t.Helper()
		run("open "+url, chromedp.Navigate(url), chromedp.WaitReady("body"))
	}
	// login goes from the sign-in page to the provider's login form.
	login := func(user string) {
		t.Helper()
		open(e.url + "/signin")
		if got := text("#signin-oidc"); got != "Sign in with Example SSO" {
			t.Fatalf("the sign-in button reads %q", got)
		}
		shot("oidc-signin")
		click("#signin-oidc")
		run("fill the provider's form", chromedp.SetValue("#username", user), chromedp.SetValue("#password", "verysecure"))
	}
	submit := func() {
		t.Helper()
		click("button[type=submit]")
	}
	signOut := func() {
		t.Helper()
		click("form.who button")
	}
	signedOut := func(what string) {
		t.Helper()
		open(e.url + "/incidents")
		if l := location(); !strings.Contains(l, "/signin") {
			t.Fatalf("%s: /incidents is open (at %s)", what, l)
		}
	}
	host := strings.TrimPrefix(issuer, "http://")
	host = host[:strings.IndexByte(host, ':')]

	t.Run("SignInRoleFromGroups", func(t *testing.T) {
		login("test-user@" + host)
		submit()
		if l := location(); !strings.HasSuffix(l, "/incidents") {
			t.Fatalf("after sign-in the browser is at %s", l)
		}
		if who := text("form.who"); !strings.Contains(who, "Test User (@test-user)") || !strings.Contains(who, "approver") {
			t.Fatalf("signed in as %q, want Test User (@test-user), approver from sre-leads", who)
		}
		p, err := e.store.FindPersonByHandle(ctx, "test-user")
		if err != nil || p.Email != "test-user@zitadel.ch" || p.Name != "Test User" || p.Source != hindsight.PersonFromOIDC {
			t.Fatalf("directory entry = %+v, %v", p, err)
		}
		open(e.url + "/people/test-user")
		if got := text("h1"); got != "Test User (@test-user)" {
			t.Fatalf("the person page is titled %q", got)
		}
		shot("person-page")
		open(e.url + "/people")
		shot("people-page")
		signOut()
		signedOut("after sign-out")
	})
	t.Run("DefaultRole", func(t *testing.T) {
		login("test-user2")
		submit()
		if who := text("form.who"); !strings.Contains(who, "viewer") {
			t.Fatalf("signed in as %q, want the default role viewer", who)
		}
		signOut()
	})
	t.Run("TamperedStateRefused", func(t *testing.T) {
		login("test-user2")
		open(e.url + "/signin/oidc/callback?code=abc&state=forged")
		if got := text("main"); !strings.Contains(got, "the state does not match") {
			t.Fatalf("tampered state: %q", got)
		}
		signedOut("tampered state")
	})
	t.Run("ExpiredIDTokenRefused", func(t *testing.T) {
		login("test-user2")
		clock.Advance(2 * time.Hour) // the provider's ID tokens last an hour
		defer clock.Set(time.Now())
		submit()
		if got := text("main"); !strings.Contains(got, "the ID token expired") {
			t.Fatalf("expired ID token: %q", got)
		}
		shot("oidc-refused-expired")
		signedOut("expired ID token")
	})
	t.Run("WrongAudienceRefused", func(t *testing.T) {
		prov.setAudience("another-app")
		defer prov.setAudience("")
		login("test-user2")
		submit()
		if got := text("main"); !strings.Contains(got, "not valid for this server") || !strings.Contains(got, "audience") {
			t.Fatalf("wrong audience: %q", got)
		}
		signedOut("wrong audience")
	})
}
