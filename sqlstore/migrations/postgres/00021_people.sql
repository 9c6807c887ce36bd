-- The directory of people: who "@handle" is. handle_key is the handle in
-- lower case, so that "@Ana" and "@ana" are one person; email_key likewise
-- for look-ups by e-mail. Times are microseconds since the epoch.

-- +goose Up
CREATE TABLE people (
    handle_key TEXT PRIMARY KEY,
    handle     TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    email_key  TEXT NOT NULL DEFAULT '',
    slack_id   TEXT NOT NULL DEFAULT '',
    team       TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX people_email ON people (email_key);

-- +goose Down
DROP TABLE people;
