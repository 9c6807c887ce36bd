-- How alert_notifications.body is stored: '' as received, 'zstd' as one
-- Zstandard frame of it (sqlstore/notificationbody.go). Raw bodies were a
-- quarter of what a notification of many alerts wrote; JSON compresses about
-- tenfold. Rows written before keep '' and are read as they are.

-- +goose Up
ALTER TABLE alert_notifications ADD COLUMN body_encoding TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE alert_notifications DROP COLUMN body_encoding;
