-- The Slack app. Times are microseconds since the epoch.
--
-- slack_channels: the chat channel of each incident. The primary key makes
-- the channel's creation happen once across instances: an instance inserts
-- its claim (token, lease) and commits before it calls Slack; only the
-- insert that wins creates the channel, and a claim whose holder died
-- (channel_id still empty, lease expired) may be taken over. shared is 1
-- when the incident posts to a configured channel instead of its own.
-- posted_* are the status, severity, post-mortem status and impact time
-- last posted: a pass that changes one from the value it read (compare and
-- set) is the one that posts the update.

-- +goose Up
CREATE TABLE slack_channels (
    incident_id     TEXT PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',
    shared          INTEGER NOT NULL DEFAULT 0,
    token           TEXT NOT NULL,
    claimed_at      INTEGER NOT NULL,
    lease_until     INTEGER NOT NULL,
    posted_status   TEXT NOT NULL DEFAULT '',
    posted_severity TEXT NOT NULL DEFAULT '',
    posted_document TEXT NOT NULL DEFAULT '',
    posted_impact   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX slack_channels_channel ON slack_channels (channel_id);

-- slack_events: Events API callbacks, stored before the answer (the
-- durable queue) and applied after it. event_id is Slack's: a retry
-- (X-Slack-Retry-Num) of a callback already stored changes nothing. A row
-- is claimed with a token and lease, and kept with done_at set for a day so
-- that late retries are still recognised.
CREATE TABLE slack_events (
    id          INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    token       TEXT NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX slack_events_pending ON slack_events (done_at, lease_until);

-- slack_messages: a chat message captured into an incident's timeline, one
-- per message whatever pins and reactions it got. reasons lists what keeps
-- it (pin, reaction:NAME:USER); written is the hash of the timeline event
-- as captured, so that an event a person edited since is kept when the
-- last reason goes.
CREATE TABLE slack_messages (
    channel_id  TEXT NOT NULL,
    message_ts  TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    event_id    INTEGER NOT NULL REFERENCES timeline_events (id) ON DELETE CASCADE,
    reasons     TEXT NOT NULL,
    written     TEXT NOT NULL,
    PRIMARY KEY (channel_id, message_ts)
);
CREATE INDEX slack_messages_event ON slack_messages (event_id);

-- +goose Down
DROP TABLE slack_messages;
DROP TABLE slack_events;
DROP TABLE slack_channels;
