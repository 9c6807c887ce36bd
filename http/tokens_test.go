package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestAuth_TokenExpiryAndLastUse: a token works until it expires, then the
// API answers 401 saying it expired (and the sign-in page and an open
// session refuse it too); each use after the interval moves its last-used
// time; whoami names the token and its creator.
func TestAuth_TokenExpiryAndLastUse(t *testing.T) {
	t0 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	clock := testenv.NewClock(t0)
	store := teststore.SQLite(t)
	store.Now = clock.Now
	e := mustOpenUIOn(t, store, func(s *hhttp.Server) { s.Now = clock.Now })
	ctx := context.Background()
	secret, err := hindsight.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	exp := t0.Add(2 * time.Hour)
	tok := &hindsight.APIToken{Name: "ci", Role: "editor", Hash: hindsight.HashToken(secret), ExpiresAt: &exp, CreatedBy: "@admin"}
	if err := store.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	call := func() (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/whoami", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, body := mustDo(t, http.DefaultClient, req)
		return resp.StatusCode, string(body)
	}
	lastUsed := func() *time.Time {
		t.Helper()
		tokens, err := store.FindTokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range tokens {
			if x.Name == "ci" {
				return x.LastUsedAt
			}
		}
		t.Fatal("token ci is gone")
		return nil
	}

	if got := lastUsed(); got != nil {
		t.Fatalf("a new token has a last use: %v", got)
	}
	status, body := call()
	if status != http.StatusOK || !strings.Contains(body, `"token": "ci"`) || !strings.Contains(body, `"token_created_by": "@admin"`) {
		t.Fatalf("whoami: %d %s", status, body)
	}
	if got := lastUsed(); got == nil || !got.Equal(t0) {
		t.Fatalf("last use after the first call = %v, want %v", got, t0)
	}
	b := e.browser(t)
	b.get("/signin")
	resp, page := b.post("/signin", url.Values{"token": {secret}})
	wantStatus(t, "sign-in before expiry", resp, page, http.StatusSeeOther)

	clock.Advance(time.Hour)
	if status, _ := call(); status != http.StatusOK {
		t.Fatalf("an hour later: %d", status)
	}
	if got := lastUsed(); got == nil || !got.Equal(t0.Add(time.Hour)) {
		t.Fatalf("last use an hour later = %v, want %v", got, t0.Add(time.Hour))
	}

	clock.Set(exp)
	status, body = call()
	if status != http.StatusUnauthorized || !strings.Contains(body, `API token \"ci\" expired at 2026-01-10T11:00:00Z`) {
		t.Fatalf("after expiry: %d %s, want 401 saying it expired", status, body)
	}
	if got := lastUsed(); !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("an expired token's use was recorded: %v", got)
	}
	resp, _ = b.get("/incidents")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Errorf("the session of an expired token still works: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	b2 := e.browser(t)
	b2.get("/signin")
	resp, page = b2.post("/signin", url.Values{"token": {secret}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "expired at") {
		t.Errorf("sign-in with an expired token: %d %.1500s", resp.StatusCode, page)
	}
}

// TestUI_TokensAdmin: an admin creates a token on the page (its secret shown
// once, expiring in 90 days by default, created by the admin), it works on
// the API, and revoking it there makes the API refuse it; others may not
// see the page.
func TestUI_TokensAdmin(t *testing.T) {
	e := mustOpenUI(t, nil)
	admin := e.signedIn(t, hindsight.RoleAdmin)
	resp, body := admin.get("/tokens")
	wantStatus(t, "tokens page", resp, body, http.StatusOK)
	resp, body = admin.post("/tokens", url.Values{"name": {"grafana"}, "role": {"viewer"}, "handle": {"@grafana"}, "expires_days": {"90"}})
	wantStatus(t, "create", resp, body, http.StatusCreated)
	m := regexp.MustCompile(`<code id="token-secret">(hs_[0-9a-f]{40})</code>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no secret on the page: %.3000s", body)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page with the secret may be cached")
	}
	secret := m[1]
	req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/whoami", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, raw := mustDo(t, http.DefaultClient, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `"token_created_by": "@admin"`) {
		t.Fatalf("whoami with the new token: %d %s", resp.StatusCode, raw)
	}
	tokens, err := e.store.FindTokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var tok *hindsight.APIToken
	for _, x := range tokens {
		if x.Name == "grafana" {
			tok = x
		}
	}
	if tok == nil || tok.ExpiresAt == nil || tok.ExpiresAt.Sub(tok.CreatedAt).Round(time.Hour) != 90*24*time.Hour || tok.CreatedBy != "@admin" {
		t.Fatalf("stored token = %+v", tok)
	}
	resp, body = admin.get("/tokens")
	wantStatus(t, "tokens page after creation", resp, body, http.StatusOK)
	if strings.Contains(body, secret) || !strings.Contains(body, "grafana") {
		t.Fatal("the list shows the secret, or lacks the token")
	}
	resp, body = admin.post("/tokens", url.Values{"name": {"grafana"}, "role": {"viewer"}, "expires_days": {"90"}})
	wantStatus(t, "duplicate name", resp, body, http.StatusConflict)
	resp, body = admin.post(fmt.Sprintf("/tokens/%d/revoke", tok.ID), nil)
	wantStatus(t, "revoke", resp, body, http.StatusSeeOther)
	resp, raw = mustDo(t, http.DefaultClient, req.Clone(context.Background()))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d %s", resp.StatusCode, raw)
	}
	editor := e.signedIn(t, hindsight.RoleEditor)
	resp, body = editor.get("/tokens")
	wantStatus(t, "tokens page as editor", resp, body, http.StatusForbidden)
}
