package hindsight

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Kinds of the events that concern one person. They travel as reminders
// (Reminder.Kind), so that each is claimed and sent at most once per
// channel across instances, as reminders are.
const (
	// EventMentioned: a comment mentions the person (@handle).
	EventMentioned ReminderKind = "mentioned"
	// EventReviewRequested: the person is asked to review a post-mortem.
	EventReviewRequested ReminderKind = "review_requested"
	// EventActionAssigned: an action item was (re)assigned to the person.
	EventActionAssigned ReminderKind = "action_assigned"
)

// EventPeriod is the period of an event's reminder: an event happens once.
const EventPeriod = "event"

// PersonEvent is something that happened which concerns one person, queued
// in the transaction of the change that caused it and delivered to that
// person by the reminder scheduler.
type PersonEvent struct {
	ID   int64        `json:"id"`
	Kind ReminderKind `json:"kind"`
	// Recipient is the person's handle, as written (a leading "@" is
	// dropped).
	Recipient  string `json:"recipient"`
	IncidentID string `json:"incident_id"`
	// Title and Lines are the message, as a Reminder's.
	Title string   `json:"title"`
	Lines []string `json:"lines"`
	// Path is the web UI path the message links to, such as
	// "/incidents/INC-1#comment-4"; the scheduler prefixes the base URL.
	Path      string    `json:"path,omitempty"`
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
}

// Subject is the reminder subject of the event: unique per event.
func (e *PersonEvent) Subject() string { return "event:" + strconv.FormatInt(e.ID, 10) }

// Validate returns an EINVALID error that lists every invalid field.
func (e *PersonEvent) Validate() error {
	var v Validation
	switch e.Kind {
	case EventMentioned, EventReviewRequested, EventActionAssigned:
	default:
		v.Add("kind", "is not a person event: %q", e.Kind)
	}
	e.Recipient = strings.TrimPrefix(strings.TrimSpace(e.Recipient), "@")
	if e.Recipient == "" {
		v.Add("recipient", "is required")
	}
	v.CheckText("recipient", e.Recipient, MaxNameBytes)
	v.CheckText("title", e.Title, MaxTitleBytes)
	v.CheckTexts("lines", e.Lines, MaxTextBytes)
	return v.Err("person event")
}

// PersonEventService queues the events that concern people and hands them
// to the scheduler that delivers them.
type PersonEventService interface {
	// QueuePersonEvent stores e, setting its ID and CreatedAt. Errors:
	// EINVALID.
	QueuePersonEvent(ctx context.Context, e *PersonEvent) error
	// FindPersonEvents returns the events queued at or after since, oldest
	// first, at most limit.
	FindPersonEvents(ctx context.Context, since time.Time, limit int) ([]*PersonEvent, error)
	// PrunePersonEvents deletes the events queued before cutoff.
	PrunePersonEvents(ctx context.Context, cutoff time.Time) (int64, error)
}

// NotificationPrefs is how one person wants to be told: by e-mail, by Slack
// direct message, both or neither (then the configured channels carry
// their reminders, as for people the directory cannot reach).
type NotificationPrefs struct {
	Handle    string    `json:"handle"`
	Email     bool      `json:"email"`
	SlackDM   bool      `json:"slack_dm"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultNotificationPrefs are the preferences of a person who has not
// chosen: every channel the directory can reach them on.
func DefaultNotificationPrefs(handle string) NotificationPrefs {
	return NotificationPrefs{Handle: handle, Email: true, SlackDM: true}
}

// NotificationPrefsService keeps people's notification preferences.
type NotificationPrefsService interface {
	// FindNotificationPrefs returns a person's preferences, the defaults
	// when they have not chosen.
	FindNotificationPrefs(ctx context.Context, handle string) (NotificationPrefs, error)
	// SaveNotificationPrefs stores a person's preferences. Errors:
	// EINVALID (no handle).
	SaveNotificationPrefs(ctx context.Context, p *NotificationPrefs) error
}
