-- The dashboard reads the first event of four types per incident
-- (hindsight.DashboardEventTypes, sqlstore/dashboard.go firstEventsSQL);
-- the intake writes an alert_added or alert_resolved event per alert, by
-- the hundred per notification, which the index carried for nothing. The
-- index keeps those four types only: its condition is the dashboard
-- query's, term for term, so that both engines use it
-- (TestDashboardUsesMilestoneIndex).

-- +goose Up
DROP INDEX timeline_events_type_time;
CREATE INDEX timeline_events_milestones ON timeline_events (type, time, incident_id)
    WHERE type IN ('issue_started', 'alert_fired', 'acknowledged', 'resolved');

-- +goose Down
DROP INDEX timeline_events_milestones;
CREATE INDEX timeline_events_type_time ON timeline_events (type, time, incident_id);
