-- API tokens expire (expires_at, microseconds since the epoch; NULL for
-- tokens that never do, such as those made before this version) and name
-- who created them.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN created_by;
ALTER TABLE api_tokens DROP COLUMN expires_at;
