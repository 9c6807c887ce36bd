-- Comments on a post-mortem: remarks, and the reviewer's requests for
-- changes that sending a post-mortem back to DRAFT records. parent_id makes a
-- reply part of a thread; a thread is resolved on its first comment.
-- mentions is a JSON array of the handles the body mentions. Times are
-- microseconds since the epoch.

-- +goose Up
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    section     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    mentions    TEXT NOT NULL DEFAULT '[]',
    author      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comments_incident ON comments (incident_id, id);

-- +goose Down
DROP TABLE comments;
