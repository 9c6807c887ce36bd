-- Files attached to an incident (screenshots, logs): the bytes themselves,
-- so that a backup carries them. content_type is sniffed from the content,
-- never taken from the upload's name or header. Times are microseconds
-- since the epoch.

-- +goose Up
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_incident ON attachments (incident_id, id);

-- +goose Down
DROP TABLE attachments;
