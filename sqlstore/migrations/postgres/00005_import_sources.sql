-- The Markdown source each imported incident came from: the SHA-256 of the
-- file's bytes lets "hindsight import" skip a file it has already loaded and
-- update the incident when the file changed. Part of the JSON backup since
-- format version 2, so that importing the same files after a restore still
-- changes nothing.

-- +goose Up
CREATE TABLE import_sources (
    incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE import_sources;
