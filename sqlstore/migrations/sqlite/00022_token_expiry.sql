-- API tokens expire (expires_at, microseconds since the epoch; NULL for
-- tokens that never do, such as those made before this version) and name
-- who created them. A session keeps the e-mail address an OpenID Connect
-- sign-in gave.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN email;
ALTER TABLE api_tokens DROP COLUMN created_by;
ALTER TABLE api_tokens DROP COLUMN expires_at;
