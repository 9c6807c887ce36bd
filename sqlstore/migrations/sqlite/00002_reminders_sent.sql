-- Reminders claimed and sent: one row per kind, subject, period and channel.
-- The primary key is what makes a reminder go out at most once per period
-- even with several instances on one database: a sender inserts its claim
-- (committed) before it delivers, and only the insert that wins sends.
-- sent_at stays NULL until delivery succeeds; a failed delivery deletes the
-- row so that a later pass retries; lease_until lets an unconfirmed claim of
-- a sender that died be taken over. Times are microseconds since the epoch.

-- +goose Up
CREATE TABLE reminders_sent (
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    period      TEXT NOT NULL,
    channel     TEXT NOT NULL,
    token       TEXT NOT NULL,
    claimed_at  INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,
    sent_at     INTEGER,
    PRIMARY KEY (kind, subject, period, channel)
);
CREATE INDEX reminders_sent_claimed_at ON reminders_sent (claimed_at);
-- Review dates are looked up every pass.
CREATE INDEX documents_next_review_date ON documents (next_review_date);

-- +goose Down
DROP INDEX documents_next_review_date;
DROP TABLE reminders_sent;
