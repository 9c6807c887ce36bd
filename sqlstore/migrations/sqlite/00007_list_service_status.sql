-- Service lists filter on status and severity too, and count their matches.
-- Those fields are copied onto each incident's service rows (rewritten with
-- the incident by every write), so that a service's page and its count read
-- one index instead of joining every incident of the service.

-- +goose Up
ALTER TABLE incident_services ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE incident_services ADD COLUMN severity TEXT NOT NULL DEFAULT '';
UPDATE incident_services SET
    status = (SELECT i.status FROM incidents i WHERE i.seq = incident_services.incident_seq),
    severity = (SELECT i.severity FROM incidents i WHERE i.seq = incident_services.incident_seq);
CREATE INDEX incident_services_status ON incident_services (service, status, started_at, incident_seq, severity);

-- +goose Down
DROP INDEX incident_services_status;
ALTER TABLE incident_services DROP COLUMN severity;
ALTER TABLE incident_services DROP COLUMN status;
