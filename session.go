package hindsight

import (
	"context"
	"time"
)

// Session is a signed-in web UI visitor. The browser holds a random session
// ID in a cookie; the store keeps only its Hash (HashToken of the ID), so a
// copy of the database does not let anyone sign in.
type Session struct {
	ID   int64  `json:"id"`
	Hash string `json:"-"`
	// Identity is who signed in and with which role; Method says how:
	// "session" for a pasted API token, "proxy" for a trusted proxy.
	Identity Identity `json:"identity"`
	// TokenID is the API token the session was opened with, if any: deleting
	// the token ends the session.
	TokenID   int64     `json:"token_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Validate returns an EINVALID error that lists every invalid field.
func (s *Session) Validate() error {
	var v Validation
	if s.Hash == "" {
		v.Add("hash", "is required")
	}
	if s.Identity.Name == "" {
		v.Add("name", "is required")
	}
	if !s.Identity.Role.Valid() {
		v.Add("role", "unknown role %q", s.Identity.Role)
	}
	if s.ExpiresAt.IsZero() {
		v.Add("expires_at", "is required")
	}
	return v.Err("session")
}

// SessionService stores web UI sessions.
type SessionService interface {
	// CreateSession stores a session, setting ID and CreatedAt. Errors:
	// EINVALID, ECONFLICT (the hash exists).
	CreateSession(ctx context.Context, s *Session) error
	// FindSessionByHash returns the unexpired session with that hash at
	// now. Errors: ENOTFOUND (unknown, expired, or its token was deleted
	// or has expired).
	FindSessionByHash(ctx context.Context, hash string, now time.Time) (*Session, error)
	// DeleteSession ends a session; an unknown hash is not an error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteExpiredSessions removes sessions expired at now and returns how
	// many went.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}
