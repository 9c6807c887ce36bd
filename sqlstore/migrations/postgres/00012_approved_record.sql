-- An approved post-mortem is a record: documents keep the Markdown as
-- approved and the moment of approval (cleared when the document goes back
-- to DRAFT). An alert group that fires again after its incident's
-- post-mortem was approved opens a new incident that names the earlier one
-- in recurrence_of.

-- +goose Up
ALTER TABLE documents ADD COLUMN approved_at BIGINT;
ALTER TABLE documents ADD COLUMN approved_markdown TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN recurrence_of TEXT NOT NULL DEFAULT '';
CREATE INDEX incidents_recurrence_of ON incidents (recurrence_of) WHERE recurrence_of <> '';

-- +goose Down
DROP INDEX incidents_recurrence_of;
ALTER TABLE incidents DROP COLUMN recurrence_of;
ALTER TABLE documents DROP COLUMN approved_markdown;
ALTER TABLE documents DROP COLUMN approved_at;
