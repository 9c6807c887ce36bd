-- Initial schema. Times are INTEGER microseconds since the Unix epoch (UTC),
-- NULL when unset; JSON values are TEXT kept byte for byte.

-- +goose Up
CREATE TABLE incidents (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    alert_name  TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL,
    status      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    services    TEXT NOT NULL DEFAULT 'null',
    regions     TEXT NOT NULL DEFAULT 'null',
    labels      TEXT NOT NULL DEFAULT 'null',
    links       TEXT NOT NULL DEFAULT 'null',
    group_key   TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    started_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX incidents_started_at ON incidents (started_at, seq);
CREATE INDEX incidents_status ON incidents (status, started_at, seq);
CREATE INDEX incidents_severity ON incidents (severity, started_at, seq);
CREATE INDEX incidents_group_key ON incidents (group_key, started_at) WHERE group_key <> '';

CREATE TABLE incident_services (
    incident_seq INTEGER NOT NULL REFERENCES incidents (seq) ON DELETE CASCADE,
    service      TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    PRIMARY KEY (service, incident_seq)
);
CREATE INDEX incident_services_by_time ON incident_services (service, started_at, incident_seq);
CREATE INDEX incident_services_incident ON incident_services (incident_seq);

CREATE TABLE documents (
    incident_id      TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    status           TEXT NOT NULL,
    author           TEXT NOT NULL DEFAULT '',
    generator        TEXT NOT NULL DEFAULT '',
    generated_at     INTEGER,
    narrative        TEXT NOT NULL,
    next_review_date INTEGER,
    timeline_edited  INTEGER NOT NULL DEFAULT 0,
    summary_edited   INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    updated_by       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE timeline_events (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    time        INTEGER NOT NULL,
    type        TEXT NOT NULL,
    phase       TEXT NOT NULL DEFAULT '',
    event       TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX timeline_events_incident ON timeline_events (incident_id, time, id);

CREATE TABLE action_items (
    id            INTEGER PRIMARY KEY,
    incident_id   TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    owner         TEXT NOT NULL DEFAULT '',
    horizon       TEXT NOT NULL,
    due_date      INTEGER,
    status        TEXT NOT NULL,
    status_reason TEXT NOT NULL DEFAULT '',
    verification  TEXT NOT NULL DEFAULT '',
    tracker_url   TEXT NOT NULL DEFAULT '',
    completed_at  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL
);
CREATE INDEX action_items_incident ON action_items (incident_id, due_date);
CREATE INDEX action_items_owner ON action_items (owner, due_date);
CREATE INDEX action_items_status ON action_items (status, due_date);

CREATE TABLE sign_offs (
    id            INTEGER PRIMARY KEY,
    incident_id   TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    role          TEXT NOT NULL,
    signer        TEXT NOT NULL DEFAULT '',
    signed_at     INTEGER,
    voided_at     INTEGER,
    voided_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (incident_id, role)
);

CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL DEFAULT '',
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL,
    at          INTEGER NOT NULL,
    fields      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX revisions_incident ON revisions (incident_id, id);
CREATE INDEX revisions_entity ON revisions (entity, entity_id, version);

CREATE TABLE alert_notifications (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    group_key   TEXT NOT NULL DEFAULT '',
    body        BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    incident_id TEXT REFERENCES incidents (id) ON DELETE SET NULL
);
CREATE INDEX alert_notifications_received ON alert_notifications (received_at);

CREATE TABLE alert_states (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    alert_key   TEXT NOT NULL,
    labels      TEXT NOT NULL DEFAULT 'null',
    status      TEXT NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (incident_id, alert_key)
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);

-- One row per incident, rowid = incidents.seq; kept current by the store in
-- the transaction of every write that changes the indexed text.
CREATE VIRTUAL TABLE search_docs USING fts5 (title, body, tokenize = 'porter unicode61');

-- +goose Down
DROP TABLE search_docs;
DROP TABLE api_tokens;
DROP TABLE alert_states;
DROP TABLE alert_notifications;
DROP TABLE revisions;
DROP TABLE sign_offs;
DROP TABLE action_items;
DROP TABLE timeline_events;
DROP TABLE documents;
DROP TABLE incident_services;
DROP TABLE incidents;
