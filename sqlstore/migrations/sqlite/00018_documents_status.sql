-- Hindsight's own metrics count the post-mortems by status at every
-- scrape (hindsight_postmortems): documents_status answers the count from
-- the index instead of reading every document.

-- +goose Up
CREATE INDEX documents_status ON documents (status);

-- +goose Down
DROP INDEX documents_status;
