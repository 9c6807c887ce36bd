package hindsight

import (
	"strings"
	"time"
)

// EventType says what a timeline event records. Response times (detect,
// acknowledge, mitigate, resolve) are computed from these types.
type EventType string

// Timeline event types.
const (
	EventIssueStarted  EventType = "issue_started"
	EventAlertFired    EventType = "alert_fired"
	EventAcknowledged  EventType = "acknowledged"
	EventAssessment    EventType = "assessment"
	EventDeclared      EventType = "declared"
	EventMitigation    EventType = "mitigation"
	EventHypothesis    EventType = "hypothesis"
	EventEscalation    EventType = "escalation"
	EventFinding       EventType = "finding"
	EventFix           EventType = "fix"
	EventMonitoring    EventType = "monitoring"
	EventResolved      EventType = "resolved"
	EventCommunication EventType = "communication"
	EventAlertAdded    EventType = "alert_added"
	EventAlertResolved EventType = "alert_resolved"
	EventStatusChange  EventType = "status_change"
	EventNote          EventType = "note"
)

// Phase places an event in one of the seed's three timeline tables.
type Phase string

// The seed's timeline tables.
const (
	PhaseDetection     Phase = "detection"
	PhaseInvestigation Phase = "investigation"
	PhaseResolution    Phase = "resolution"
)

// Phases lists the timeline tables in document order.
var Phases = []Phase{PhaseDetection, PhaseInvestigation, PhaseResolution}

// eventPhases is the table each event type goes to by default.
var eventPhases = map[EventType]Phase{
	EventIssueStarted:  PhaseDetection,
	EventAlertFired:    PhaseDetection,
	EventAcknowledged:  PhaseDetection,
	EventAssessment:    PhaseDetection,
	EventDeclared:      PhaseDetection,
	EventMitigation:    PhaseDetection,
	EventAlertAdded:    PhaseDetection,
	EventHypothesis:    PhaseInvestigation,
	EventEscalation:    PhaseInvestigation,
	EventFinding:       PhaseInvestigation,
	EventNote:          PhaseInvestigation,
	EventStatusChange:  PhaseInvestigation,
	EventFix:           PhaseResolution,
	EventMonitoring:    PhaseResolution,
	EventResolved:      PhaseResolution,
	EventAlertResolved: PhaseResolution,
	EventCommunication: PhaseResolution,
}

// Valid reports whether t is a known event type.
func (t EventType) Valid() bool {
	_, ok := eventPhases[t]
	return ok
}

// Phase returns the timeline table that events of type t go to.
func (t EventType) Phase() Phase {
	if p, ok := eventPhases[t]; ok {
		return p
	}
	return PhaseInvestigation
}

// TimelineEvent is one row of an incident's timeline.
type TimelineEvent struct {
	ID         int64     `json:"id"`
	IncidentID string    `json:"incident_id"`
	Time       time.Time `json:"time"`
	Type       EventType `json:"type"`
	// Phase is the table the row appears in; empty means Type's default.
	Phase Phase `json:"phase"`
	// Event is the seed's "Event" column, such as "Initial trigger".
	Event string `json:"event"`
	// Actor is who acted: System, On-call, Engineer, a person's handle.
	Actor string `json:"actor"`
	// Action is the seed's "Action/Observation" column.
	Action string `json:"action"`
	// Source says where the event came from: alertmanager, user, import.
	Source    string    `json:"source,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// TablePhase returns the event's phase, or its type's default when unset.
func (e *TimelineEvent) TablePhase() Phase {
	if e.Phase != "" {
		return e.Phase
	}
	return e.Type.Phase()
}

// Validate returns an EINVALID error that lists every invalid field.
func (e *TimelineEvent) Validate() error {
	var v Validation
	if e.Time.IsZero() {
		v.Add("time", "is required")
	}
	v.CheckTime("time", e.Time)
	v.CheckText("event", e.Event, MaxTextBytes)
	v.CheckText("actor", e.Actor, MaxNameBytes)
	v.CheckText("action", e.Action, MaxTextBytes)
	if !e.Type.Valid() {
		v.Add("type", "unknown event type %q", e.Type)
	}
	if e.Phase != "" && e.Phase != PhaseDetection && e.Phase != PhaseInvestigation && e.Phase != PhaseResolution {
		v.Add("phase", "must be detection, investigation or resolution, got %q", e.Phase)
	}
	if strings.TrimSpace(e.Event) == "" && strings.TrimSpace(e.Action) == "" {
		v.Add("event", "an event or an action is required")
	}
	return v.Err("timeline event")
}
