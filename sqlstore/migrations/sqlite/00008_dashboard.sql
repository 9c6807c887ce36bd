-- The dashboard aggregates the incidents that started in a window of months:
-- incidents_dashboard covers every column it reads from them (so the range
-- scan never visits the rows), and action_items_incident_status counts their
-- action items by status without reading the action rows.

-- +goose Up
CREATE INDEX incidents_dashboard ON incidents (started_at, severity, resolved_at, id, alert_name, title);
CREATE INDEX action_items_incident_status ON action_items (incident_id, status);
ANALYZE incidents_dashboard;
ANALYZE action_items_incident_status;

-- +goose Down
DROP INDEX action_items_incident_status;
DROP INDEX incidents_dashboard;
