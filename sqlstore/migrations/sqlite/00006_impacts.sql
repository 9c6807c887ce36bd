-- The measured impact of an incident, one row per incident, replaced when it
-- is computed again. impact is the hindsight.Impact as JSON. A figure that
-- failed for a transient reason (Prometheus unreachable, slow, 5xx) sets
-- needs_retry and retry_after, until attempts reaches its cap. Times are
-- microseconds since the epoch; retry_after is 0 when no retry is due.

-- +goose Up
CREATE TABLE impacts (
    incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    impact      TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    needs_retry BOOLEAN NOT NULL DEFAULT FALSE,
    retry_after INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX impacts_retry ON impacts (needs_retry, retry_after);

-- +goose Down
DROP TABLE impacts;
