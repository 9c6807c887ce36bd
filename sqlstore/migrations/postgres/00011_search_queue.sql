-- Incidents whose search document is to be rebuilt after the transaction
-- that changed them committed: the webhook intake writes a row here, in its
-- own transaction, instead of rebuilding the document before its commit.
-- A row is deleted in the transaction that rebuilds the document, so a
-- crash before that leaves it for the next pass. queued_at is microseconds
-- since the epoch.

-- +goose Up
CREATE TABLE search_queue (
    incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    queued_at   BIGINT NOT NULL
);
-- The rebuild takes the oldest first.
CREATE INDEX search_queue_order ON search_queue (queued_at, incident_id);

-- +goose Down
DROP TABLE search_queue;
