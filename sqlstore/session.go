package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var _ hindsight.SessionService = (*Store)(nil)

// CreateSession stores a web UI session.
func (s *Store) CreateSession(ctx context.Context, sess *hindsight.Session) error {
	if err := sess.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		sess.CreatedAt = tx.now
		var tokenID any
		if sess.TokenID != 0 {
			tokenID = sess.TokenID
		}
		err := tx.queryRow(ctx, "INSERT INTO sessions (hash, name, display, email, role, method, token_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			sess.Hash, sess.Identity.Name, sess.Identity.Display, sess.Identity.Email, string(sess.Identity.Role), sess.Identity.Method, tokenID,
			ts(sess.CreatedAt), ts(sess.ExpiresAt)).Scan(&sess.ID)
		return tx.d.mapError(err)
	})
}

// FindSessionByHash returns an unexpired session.
func (s *Store) FindSessionByHash(ctx context.Context, hash string, now time.Time) (sess *hindsight.Session, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		var out hindsight.Session
		var role string
		var tokenID, created, expires sql.NullInt64
		err := tx.queryRow(ctx, "SELECT id, hash, name, display, email, role, method, token_id, created_at, expires_at FROM sessions WHERE hash = ? AND expires_at > ?"+
			" AND NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.id = sessions.token_id AND t.expires_at IS NOT NULL AND t.expires_at <= ?)",
			hash, now.UnixMicro(), now.UnixMicro()).Scan(&out.ID, &out.Hash, &out.Identity.Name, &out.Identity.Display, &out.Identity.Email, &role, &out.Identity.Method, &tokenID, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return hindsight.Errorf(hindsight.ENOTFOUND, "no such session: sign in again")
		} else if err != nil {
			return tx.d.mapError(err)
		}
		out.Identity.Role = hindsight.Role(role)
		out.TokenID, out.CreatedAt, out.ExpiresAt = tokenID.Int64, fromTS(created), fromTS(expires)
		sess = &out
		return nil
	})
	return sess, err
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE hash = ?", hash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions expired at now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (n int64, err error) {
	err = s.update(ctx, func(tx *Tx) (err error) {
		n, err = tx.execCount(ctx, "DELETE FROM sessions WHERE expires_at <= ?", now.UnixMicro())
		return err
	})
	return n, err
}
