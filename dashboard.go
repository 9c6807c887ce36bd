package hindsight

import (
	"context"
	"time"
)

// IncidentFacts are the facts of one incident that the dashboard's figures
// are computed from.
type IncidentFacts struct {
	ID         string
	AlertName  string
	Title      string
	Severity   Severity
	StartedAt  time.Time
	ResolvedAt *time.Time
	// First maps each response-time event type (issue_started, alert_fired,
	// acknowledged, mitigation, resolved) to the time of its first event.
	First map[EventType]time.Time
	// Actions and ActionsDone count the incident's action items: all but
	// those marked won't do, and those done.
	Actions, ActionsDone int
}

// ResponseTimes measures the incident's response times from its facts, as
// ComputeResponseTimes does from its whole timeline.
func (f *IncidentFacts) ResponseTimes() ResponseTimes {
	events := make([]TimelineEvent, 0, len(f.First))
	for t, at := range f.First {
		events = append(events, TimelineEvent{Type: t, Time: at})
	}
	inc := Incident{StartedAt: f.StartedAt, ResolvedAt: f.ResolvedAt}
	return ComputeResponseTimes(&inc, events, Figure{})
}

// DashboardEventTypes are the event types whose first occurrence
// IncidentFacts keeps.
var DashboardEventTypes = []EventType{EventIssueStarted, EventAlertFired, EventAcknowledged, EventMitigation, EventResolved}

// FactsService reads the facts behind the dashboard.
type FactsService interface {
	// FindIncidentFacts returns the facts of every incident that started in
	// [from, to), oldest first. Events are read up to eventSlack after to.
	// Errors: none beyond EUNAVAILABLE/EINTERNAL.
	FindIncidentFacts(ctx context.Context, from, to time.Time, eventSlack time.Duration) ([]*IncidentFacts, error)
}
