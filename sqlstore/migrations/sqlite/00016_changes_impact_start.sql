-- Changes reported by CI/CD (deploys, configuration changes, feature flags),
-- listed on an incident when they touched its services in the hours before
-- its impact start. And impacts.impact_start: the measured impact start, so
-- that the dashboard's Time to Detect follows the document's rule (from the
-- measured impact start, else the issue_started event). Times are
-- microseconds since the epoch; impact_start is NULL when not measured.
-- grafana_annotations: the region annotation written to Grafana for an
-- incident, and whether its end (the resolution) was written.

-- +goose Up
CREATE TABLE changes (
    id         INTEGER PRIMARY KEY,
    service    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL DEFAULT '',
    author     TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX changes_service_at ON changes (service, at);

CREATE TABLE grafana_annotations (
    incident_id   TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    annotation_id INTEGER NOT NULL,
    closed        BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    INTEGER NOT NULL
);

ALTER TABLE impacts ADD COLUMN impact_start INTEGER;
UPDATE impacts SET impact_start =
    CAST(ROUND((julianday(json_extract(impact, '$.impact_start.at')) - 2440587.5) * 86400000) AS INTEGER) * 1000
    WHERE json_extract(impact, '$.impact_start.measured') = 1
    AND json_extract(impact, '$.impact_start.at') IS NOT NULL;

-- +goose Down
ALTER TABLE impacts DROP COLUMN impact_start;
DROP TABLE grafana_annotations;
DROP TABLE changes;
