-- The tracker outbox: one row per action item to copy to an issue tracker
-- (GitHub, GitLab, Jira) and the issue it is linked to. A row is written in
-- the transaction that creates the item or changes its title, owner, due
-- date or tracker link (generation counts those changes); the sync worker
-- claims due rows (lease_owner, lease_until), calls the tracker outside any
-- transaction, and records the outcome: synced_generation is the last
-- generation the tracker acknowledged, so the item is pending while
-- generation > synced_generation. Times are microseconds since the epoch.

-- +goose Up
CREATE TABLE tracker_sync (
    action_id         BIGINT PRIMARY KEY REFERENCES action_items (id) ON DELETE CASCADE,
    tracker           TEXT NOT NULL DEFAULT '',
    issue_key         TEXT NOT NULL DEFAULT '',
    issue_url         TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL,
    error             TEXT NOT NULL DEFAULT '',
    attempts          INTEGER NOT NULL DEFAULT 0,
    generation        BIGINT NOT NULL,
    synced_generation BIGINT NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT NOT NULL,
    lease_owner       TEXT NOT NULL DEFAULT '',
    lease_until       BIGINT NOT NULL DEFAULT 0,
    synced_at         BIGINT,
    updated_at        BIGINT NOT NULL
);
-- Webhooks find the items of an issue.
CREATE INDEX tracker_sync_issue ON tracker_sync (tracker, issue_key);
-- The worker takes due rows, oldest first.
CREATE INDEX tracker_sync_due ON tracker_sync (next_attempt_at, action_id);

-- +goose Down
DROP TABLE tracker_sync;
