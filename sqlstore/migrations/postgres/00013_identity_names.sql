-- Identities read as people: a token carries a display name and a handle
-- (stored without "@"), and a session keeps the display name it was opened
-- with.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN display TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN handle TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN display TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN display;
ALTER TABLE api_tokens DROP COLUMN handle;
ALTER TABLE api_tokens DROP COLUMN display;
