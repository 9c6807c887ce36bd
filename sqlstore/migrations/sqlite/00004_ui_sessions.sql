-- Web UI sessions, stored by the SHA-256 of their random ID (the cookie holds
-- the ID itself). A session opened with an API token dies with the token.
-- Times are microseconds since the epoch. The timeline index serves the
-- dashboard, which reads the first events of each type over a time window.

-- +goose Up
CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    method     TEXT NOT NULL,
    token_id   INTEGER REFERENCES api_tokens (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_token ON sessions (token_id);
CREATE INDEX timeline_events_type_time ON timeline_events (type, time, incident_id);

-- +goose Down
DROP INDEX timeline_events_type_time;
DROP TABLE sessions;
