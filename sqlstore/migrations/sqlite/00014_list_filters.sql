-- Incident lists filter on a service whatever its case ("API" finds
-- "api"), and on the post-mortem's status.

-- +goose Up
CREATE INDEX incident_services_lower ON incident_services (lower(service), started_at, incident_seq);
CREATE INDEX incident_services_lower_status ON incident_services (lower(service), status, started_at, incident_seq, severity);
CREATE INDEX documents_by_status ON documents (status, incident_id);

-- +goose Down
DROP INDEX documents_by_status;
DROP INDEX incident_services_lower_status;
DROP INDEX incident_services_lower;
