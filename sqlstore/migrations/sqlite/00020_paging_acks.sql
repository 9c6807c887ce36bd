-- Acknowledgements from on-call tools (Alertmanager silences, PagerDuty,
-- Opsgenie, Grafana OnCall): at most one per incident, tool and the tool's
-- own reference, so that a retried webhook or a silence seen by both
-- members of an HA pair records one acknowledged event. Times are
-- microseconds since the epoch.

-- +goose Up
CREATE TABLE paging_acks (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    ref         TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    resolved    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (incident_id, source, ref)
);

-- +goose Down
DROP TABLE paging_acks;
