package hindsight

import (
	"strings"
	"time"
)

// ActionStatus is where a corrective action stands.
type ActionStatus string

// Action statuses.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionWontDo     ActionStatus = "wont_do"
)

// ActionStatuses lists every action status.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionWontDo}

var actionLabels = map[ActionStatus]string{
	ActionOpen:       "⏳ Open",
	ActionInProgress: "🔄 In Progress",
	ActionDone:       "✅ Done",
	ActionWontDo:     "🚫 Won't Do",
}

// Valid reports whether s is a known action status.
func (s ActionStatus) Valid() bool {
	_, ok := actionLabels[s]
	return ok
}

// Label returns the document's form of the status, such as "⏳ Open".
func (s ActionStatus) Label() string {
	if l, ok := actionLabels[s]; ok {
		return l
	}
	return string(s)
}

// Closed reports whether the action needs no more work.
func (s ActionStatus) Closed() bool { return s == ActionDone || s == ActionWontDo }

// ParseActionStatus reads either the stored form ("in_progress") or the
// document's label ("🔄 In Progress", "In Progress").
func ParseActionStatus(s string) (ActionStatus, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	for st, label := range actionLabels {
		l := strings.ToLower(label)
		if norm == string(st) || norm == l || norm == strings.TrimSpace(l[strings.Index(l, " "):]) {
			return st, nil
		}
	}
	return "", Errorf(EINVALID, "unknown action status %q: use open, in_progress, done or wont_do", s)
}

// ActionItem is one corrective action.
type ActionItem struct {
	ID         int64   `json:"id"`
	IncidentID string  `json:"incident_id"`
	Title      string  `json:"title"`
	Owner      string  `json:"owner"`
	Horizon    Horizon `json:"horizon"`
	// DueDate is a calendar date (midnight UTC).
	DueDate time.Time    `json:"due_date"`
	Status  ActionStatus `json:"status"`
	// StatusReason is required for wont_do.
	StatusReason string     `json:"status_reason,omitempty"`
	Verification string     `json:"verification"`
	TrackerURL   string     `json:"tracker_url,omitempty"`
	CompletedAt  *time.Time `json:"completed_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int        `json:"version"`
	// Tracker is the item's issue in a configured tracker and its sync
	// state; set by the action list's reads only, never stored with the
	// item (tracker.go).
	Tracker *TrackerLink `json:"tracker,omitempty"`
}

// Overdue reports whether the action is open past its due date at now.
func (a *ActionItem) Overdue(now time.Time) bool {
	return !a.Status.Closed() && !a.DueDate.IsZero() && now.After(a.DueDate.AddDate(0, 0, 1))
}

// Validate returns an EINVALID error that lists every invalid field.
func (a *ActionItem) Validate() error {
	var v Validation
	if strings.TrimSpace(a.Title) == "" {
		v.Add("title", "is required")
	}
	if !a.Horizon.Valid() {
		v.Add("horizon", "must be immediate, medium or long, got %q", a.Horizon)
	}
	if !a.Status.Valid() {
		v.Add("status", "must be open, in_progress, done or wont_do, got %q", a.Status)
	}
	v.CheckText("title", a.Title, MaxTitleBytes)
	v.CheckText("owner", a.Owner, MaxNameBytes)
	v.CheckText("status_reason", a.StatusReason, MaxTextBytes)
	v.CheckText("verification", a.Verification, MaxTextBytes)
	v.CheckText("tracker_url", a.TrackerURL, MaxKeyBytes)
	v.CheckTime("due_date", a.DueDate)
	v.CheckTimePtr("completed_at", a.CompletedAt)
	if a.Status == ActionWontDo && strings.TrimSpace(a.StatusReason) == "" {
		v.Add("status_reason", "is required when the status is wont_do")
	}
	return v.Err("action item")
}
