-- Events that concern one person (mentioned in a comment, asked to review,
-- given an action item), queued in the transaction of the change that
-- caused them; the reminder scheduler delivers each once per channel
-- through reminders_sent, as it does reminders. lines is a JSON array.
-- notification_prefs holds each person's choice of channels; a person
-- without a row gets every channel the directory can reach. Times are
-- microseconds since the epoch.

-- +goose Up
CREATE TABLE person_events (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    incident_id TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    lines       TEXT NOT NULL DEFAULT '[]',
    path        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX person_events_created_at ON person_events (created_at);

CREATE TABLE notification_prefs (
    handle     TEXT PRIMARY KEY,
    email      BOOLEAN NOT NULL,
    slack_dm   BOOLEAN NOT NULL,
    updated_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE notification_prefs;
DROP TABLE person_events;
