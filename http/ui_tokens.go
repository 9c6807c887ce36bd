package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// tokensPage is the data of the admin page of API tokens.
type tokensPage struct {
	Tokens []*hindsight.APIToken
	Now    time.Time
	Roles  []hindsight.Role
	// Created is the token just created and Secret its secret, shown once.
	Created *hindsight.APIToken
	Secret  string
	// Lifetimes are the expiry choices of the form, in days (0: never).
	Lifetimes []int
}

// tokenLifetimes are the form's choices; the first is the default.
var tokenLifetimes = []int{int(hindsight.DefaultTokenLifetime / (24 * time.Hour)), 7, 30, 365, 0}

// uiTokens lists the API tokens with their expiry, creator and last use.
func (s *Server) uiTokens(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.renderTokens(w, r, v, http.StatusOK, "", tokensPage{})
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, data tokensPage) {
	tokens, err := s.Tokens.FindTokens(r.Context())
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data.Tokens, data.Now, data.Roles, data.Lifetimes = tokens, s.Now(), hindsight.Roles, tokenLifetimes
	flash := map[string]string{"revoked": "Token revoked; its sessions have ended."}[r.URL.Query().Get("done")]
	s.render(w, r, status, "tokens", page{Title: "API tokens", Nav: "tokens", Visitor: v, Flash: flash, Problem: problem, Data: data})
}

// uiTokenCreate creates a token and shows its secret once, on the answer
// to the form (never in a URL or a later page).
func (s *Server) uiTokenCreate(w http.ResponseWriter, r *http.Request, v *visitor) {
	role, err := hindsight.ParseRole(r.PostFormValue("role"))
	if err != nil {
		s.renderTokens(w, r, v, http.StatusBadRequest, hindsight.ErrorMessage(err), tokensPage{})
		return
	}
	days, err := strconv.Atoi(r.PostFormValue("expires_days"))
	if err != nil || days < 0 || days > 3650 {
		s.renderTokens(w, r, v, http.StatusBadRequest, "expiry: choose a number of days from 0 (never) to 3650", tokensPage{})
		return
	}
	secret, err := hindsight.NewToken()
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	t := &hindsight.APIToken{Name: strings.TrimSpace(r.PostFormValue("name")), Role: string(role), Hash: hindsight.HashToken(secret),
		Display: r.PostFormValue("display"), Handle: r.PostFormValue("handle"), CreatedBy: "@" + v.Identity.Name}
	if days > 0 {
		at := s.Now().UTC().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Microsecond)
		t.ExpiresAt = &at
	}
	if err := s.Tokens.CreateToken(r.Context(), t); err != nil {
		if c := hindsight.ErrorCode(err); c == hindsight.EINVALID || c == hindsight.ECONFLICT {
			s.renderTokens(w, r, v, ErrorStatusCode(c), hindsight.ErrorMessage(err), tokensPage{})
			return
		}
		s.uiError(w, r, v, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderTokens(w, r, v, http.StatusCreated, "", tokensPage{Created: t, Secret: secret})
}

// uiTokenRevoke revokes a token by its ID; the sessions opened with it end.
func (s *Server) uiTokenRevoke(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.ENOTFOUND, "no token %q", r.PathValue("token")))
		return
	}
	if err := s.Tokens.DeleteToken(r.Context(), id); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/tokens?done=revoked", http.StatusSeeOther)
}
