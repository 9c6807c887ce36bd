// Package oidc signs people in with OpenID Connect (the authorization code
// flow with PKCE, state and nonce), through github.com/coreos/go-oidc and
// golang.org/x/oauth2. It implements hindsight.SignOn: the http package
// reaches it through that interface.
package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/hindsight-sre/hindsight"
)

// Config is what the provider needs: the issuer and client registration,
// and how claims become a role and a handle.
type Config struct {
	// Name is shown on the sign-in page ("Sign in with Name").
	Name         string
	Issuer       string
	ClientID     string
	ClientSecret string
	// Scopes are requested besides openid; nil means profile and email.
	Scopes []string
	// GroupsClaim names the claim listing the person's groups, such as
	// "groups".
	GroupsClaim string
	// Roles maps a role onto the groups that give it; the highest role
	// whose groups the person is in wins.
	Roles map[hindsight.Role][]string
	// DefaultRole is the role of a person in none of those groups.
	DefaultRole hindsight.Role
	// Now is the clock ID tokens are checked against; nil means the
	// system clock.
	Now func() time.Time
}

// Provider is a discovered OpenID provider.
type Provider struct {
	cfg      Config
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
}

// New discovers the issuer (its /.well-known/openid-configuration) and
// returns the provider. Errors: EUNAVAILABLE when discovery fails.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	p, err := gooidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, hindsight.Errorf(hindsight.EUNAVAILABLE, "OpenID provider %s: discovery failed: %v", cfg.Issuer, err)
	}
	if cfg.Name == "" {
		cfg.Name = "single sign-on"
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Provider{cfg: cfg, provider: p, verifier: p.Verifier(&gooidc.Config{ClientID: cfg.ClientID, Now: now})}, nil
}

// Name returns the provider's name for the sign-in page.
func (p *Provider) Name() string { return p.cfg.Name }

func (p *Provider) oauth(redirectURL string) *oauth2.Config {
	scopes := p.cfg.Scopes
	if scopes == nil {
		scopes = []string{"profile", "email"}
	}
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: p.provider.Endpoint(),
		RedirectURL: redirectURL, Scopes: append([]string{gooidc.ScopeOpenID}, scopes...)}
}

// pending is a sign-in under way, kept by the browser until it returns.
type pending struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
}

// Start returns the provider's authorization URL with a fresh state, nonce
// and PKCE challenge (S256), and the pending sign-in that holds them.
func (p *Provider) Start(ctx context.Context, redirectURL string) (string, string, error) {
	pd := pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
	b, err := json.Marshal(pd)
	if err != nil {
		return "", "", err
	}
	u := p.oauth(redirectURL).AuthCodeURL(pd.State, gooidc.Nonce(pd.Nonce), oauth2.S256ChallengeOption(pd.Verifier))
	return u, base64.RawURLEncoding.EncodeToString(b), nil
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func refused(format string, args ...any) error {
	return hindsight.Errorf(hindsight.EUNAUTHORIZED, "sign-in refused: "+format, args...)
}

// Finish checks the callback: the state must be the pending one, the code
// is exchanged with the PKCE verifier, and the ID token must be signed by
// the issuer, for this client, unexpired, and carry the pending nonce.
func (p *Provider) Finish(ctx context.Context, redirectURL string, q url.Values, raw string) (*hindsight.SignedOn, error) {
	var pd pending
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || json.Unmarshal(b, &pd) != nil || pd.State == "" {
		return nil, refused("no sign-in is under way in this browser: start again")
	}
	if e := q.Get("error"); e != "" {
		return nil, refused("the provider answered %s: %s", e, q.Get("error_description"))
	}
	if q.Get("state") != pd.State {
		return nil, refused("the state does not match this browser's sign-in: start again")
	}
	tok, err := p.oauth(redirectURL).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pd.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, refused("the provider did not accept the code: %s", re.ErrorCode)
		}
		return nil, hindsight.Errorf(hindsight.EUNAVAILABLE, "OpenID provider: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, refused("the provider sent no ID token")
	}
	idt, err := p.verifier.Verify(ctx, rawID)
	if err != nil {
		var expired *gooidc.TokenExpiredError
		if errors.As(err, &expired) {
			return nil, refused("the ID token expired at %s", expired.Expiry.UTC().Format(time.RFC3339))
		}
		return nil, refused("the ID token is not valid for this server: %v", err)
	}
	if idt.Nonce != pd.Nonce {
		return nil, refused("the ID token's nonce does not match this sign-in")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, refused("the ID token's claims cannot be read: %v", err)
	}
	return p.signedOn(idt.Subject, claims), nil
}

// signedOn turns the claims into the session's identity and a directory
// entry: the handle from preferred_username, else the e-mail's local part,
// else the subject; the role from the groups claim.
func (p *Provider) signedOn(subject string, claims map[string]any) *hindsight.SignedOn {
	str := func(k string) string { s, _ := claims[k].(string); return strings.TrimSpace(s) }
	email := str("email")
	handle := ""
	for _, c := range []string{str("preferred_username"), localPart(email), subject} {
		if h := handleFrom(c); h != "" {
			handle = h
			break
		}
	}
	name := str("name")
	if name == "" {
		name = strings.TrimSpace(str("given_name") + " " + str("family_name"))
	}
	role := p.role(groups(claims[p.cfg.GroupsClaim]))
	person := hindsight.Person{Handle: handle, Name: name, Email: email, Source: hindsight.PersonFromOIDC}
	person.Normalize()
	return &hindsight.SignedOn{Person: person,
		Identity: hindsight.Identity{Name: handle, Display: name, Email: email, Role: role, Method: "oidc"}}
}

// role returns the highest role whose groups include one of gs.
func (p *Provider) role(gs []string) hindsight.Role {
	best := p.cfg.DefaultRole
	for role, want := range p.cfg.Roles {
		for _, w := range want {
			for _, g := range gs {
				if g == w && role.Allows(best) {
					best = role
				}
			}
		}
	}
	if !best.Valid() {
		return hindsight.RoleViewer
	}
	return best
}

// groups reads a groups claim: a list of strings, or one string.
func groups(v any) []string {
	switch g := v.(type) {
	case string:
		return []string{g}
	case []any:
		out := make([]string, 0, len(g))
		for _, x := range g {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

func localPart(email string) string {
	local, _, _ := strings.Cut(email, "@")
	return local
}

// handleFrom keeps the characters a handle may hold, or returns "".
func handleFrom(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	if h := b.String(); hindsight.ValidHandle(h) && len(h) == len(s) {
		return h
	}
	return ""
}
