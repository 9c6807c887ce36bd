-- The Markdown each imported incident came from, and the post-mortem as the
-- import stored it (JSON). Export gives a person's document back as written:
-- it applies to that Markdown only what changed in the store since the
-- import (a three-way merge against the snapshot rendered).

-- +goose Up
ALTER TABLE import_sources ADD COLUMN markdown TEXT NOT NULL DEFAULT '';
ALTER TABLE import_sources ADD COLUMN snapshot TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE import_sources DROP COLUMN snapshot;
ALTER TABLE import_sources DROP COLUMN markdown;
