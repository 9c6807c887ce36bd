-- The 30-day follow-up of an incident, one row per incident, replaced when
-- it is computed again. data is the hindsight.FollowUp as JSON; computed_at
-- is microseconds since the epoch.

-- +goose Up
CREATE TABLE follow_ups (
    incident_id TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    computed_at INTEGER NOT NULL,
    data        TEXT NOT NULL
);

-- +goose Down
DROP TABLE follow_ups;
