package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

const tokenCols = "name, role, hash, created_at, last_used_at, display, handle, expires_at, created_by"

func tokenArgs(t *hindsight.APIToken) []any {
	return []any{t.Name, t.Role, t.Hash, ts(t.CreatedAt), tsPtr(t.LastUsedAt), t.Display, t.Handle, tsPtr(t.ExpiresAt), t.CreatedBy}
}

func scanToken(sc scanner) (*hindsight.APIToken, error) {
	var t hindsight.APIToken
	var created, used, expires sql.NullInt64
	if err := sc.Scan(&t.ID, &t.Name, &t.Role, &t.Hash, &created, &used, &t.Display, &t.Handle, &expires, &t.CreatedBy); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt = fromTS(created), fromTSPtr(used), fromTSPtr(expires)
	return &t, nil
}

// CreateToken stores a token's hash under a unique name.
func (tx *Tx) CreateToken(ctx context.Context, t *hindsight.APIToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	t.CreatedAt, t.LastUsedAt = tx.now, nil
	t.Handle, t.Display = hindsight.HandleName(t.Handle), strings.TrimSpace(t.Display)
	if err := tx.insertToken(ctx, t); err != nil {
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			return hindsight.Errorf(hindsight.ECONFLICT, "a token named %q already exists", t.Name)
		}
		return err
	}
	return nil
}

func (tx *Tx) insertToken(ctx context.Context, t *hindsight.APIToken) error {
	if t.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO api_tokens (id, "+tokenCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			append([]any{t.ID}, tokenArgs(t)...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO api_tokens ("+tokenCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", tokenArgs(t)...).Scan(&t.ID)
	return tx.d.mapError(err)
}

// FindTokenByHash returns a token and records its use, at most once per
// hindsight.TokenUseInterval. An expired token is an EUNAUTHORIZED error
// that says so, and its use is not recorded.
func (tx *Tx) FindTokenByHash(ctx context.Context, hash string) (*hindsight.APIToken, error) {
	t, err := tx.findTokenByHash(ctx, hash)
	if err != nil {
		return nil, err
	}
	if t.Expired(tx.now) {
		return nil, t.ExpiredError()
	}
	if tokenUseDue(t, tx.now) {
		return t, tx.recordTokenUse(ctx, t)
	}
	return t, nil
}

func (tx *Tx) findTokenByHash(ctx context.Context, hash string) (*hindsight.APIToken, error) {
	t, err := scanToken(tx.queryRow(ctx, "SELECT id, "+tokenCols+" FROM api_tokens WHERE hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "unknown API token")
	} else if err != nil {
		return nil, tx.d.mapError(err)
	}
	return t, nil
}

// tokenUseDue reports whether t's last use is unrecorded or older than
// hindsight.TokenUseInterval at now.
func tokenUseDue(t *hindsight.APIToken, now time.Time) bool {
	return t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= hindsight.TokenUseInterval
}

// recordTokenUse sets t's last use to now, unless another request already
// recorded one within the interval.
func (tx *Tx) recordTokenUse(ctx context.Context, t *hindsight.APIToken) error {
	now := tx.now
	if _, err := tx.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
		ts(now), t.ID, ts(now.Add(-hindsight.TokenUseInterval))); err != nil {
		return err
	}
	t.LastUsedAt = &now
	return nil
}

// FindTokens returns every token, by name.
func (tx *Tx) FindTokens(ctx context.Context) ([]*hindsight.APIToken, error) {
	rows, err := tx.query(ctx, "SELECT id, "+tokenCols+" FROM api_tokens ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, tx.d.mapError(rows.Err())
}

// DeleteToken removes a token.
func (tx *Tx) DeleteToken(ctx context.Context, id int64) error {
	n, err := tx.execCount(ctx, "DELETE FROM api_tokens WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("API token", id)
	}
	return nil
}
