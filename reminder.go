package hindsight

import (
	"context"
	"fmt"
	"time"
)

// ReminderKind says what a reminder is about.
type ReminderKind string

// Reminder kinds. Each has its own period: how often the same subject may be
// reminded of again.
const (
	// ReminderActionDueSoon is an open action item due within a few days;
	// sent once per item and due date.
	ReminderActionDueSoon ReminderKind = "action_due_soon"
	// ReminderActionOverdue is an open action item past its due date; sent
	// once per item and day.
	ReminderActionOverdue ReminderKind = "action_overdue"
	// ReminderReviewNotSubmitted is a resolved incident whose post-mortem is
	// still a DRAFT some days after resolution; sent once per incident and
	// ISO week.
	ReminderReviewNotSubmitted ReminderKind = "review_not_submitted"
	// ReminderReviewDateReached is a post-mortem whose Next Review Date has
	// come; sent once per document and review date.
	ReminderReviewDateReached ReminderKind = "review_date_reached"
)

// ReminderKinds lists every reminder kind.
var ReminderKinds = []ReminderKind{
	ReminderActionDueSoon, ReminderActionOverdue, ReminderReviewNotSubmitted, ReminderReviewDateReached,
}

// DayPeriod returns the period that names one UTC calendar day, "2025-10-07".
func DayPeriod(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// WeekPeriod returns the period that names one ISO week, "2025-W41".
func WeekPeriod(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// Reminder is one message to people: what needs doing, about which record,
// and the period it stands for. Kind, Subject and Period identify it: the
// same three are sent at most once per channel.
type Reminder struct {
	Kind ReminderKind `json:"kind"`
	// Subject identifies the record: an action item's ID, or an incident ID
	// for the post-mortem kinds.
	Subject string `json:"subject"`
	// Period is the span the reminder covers, such as a day ("2025-10-07")
	// or a week ("2025-W41").
	Period     string `json:"period"`
	IncidentID string `json:"incident_id"`
	// Title is the one-line headline; Lines are the details, one fact each.
	Title string   `json:"title"`
	Lines []string `json:"lines"`
	// Owner is who is expected to act, if known.
	Owner string `json:"owner,omitempty"`
	// URL links to the record in the web UI; "" when no base URL is set.
	URL string `json:"url,omitempty"`
}

// ReminderClaim is one sender's claim on delivering one reminder through one
// channel. A claim is held until it is confirmed (sent) or released (not
// sent); an unconfirmed claim whose lease has expired may be taken over.
type ReminderClaim struct {
	Kind    ReminderKind
	Subject string
	Period  string
	// Channel is the delivery channel, such as "slack" or "smtp".
	Channel string
	// Token identifies the claim's holder; only it may confirm or release.
	Token string
	// ClaimedAt is when the claim is made; LeaseUntil is when it may be
	// taken over if it is neither confirmed nor released by then.
	ClaimedAt  time.Time
	LeaseUntil time.Time
}

// ReviewSubject is a post-mortem that a reminder is about.
type ReviewSubject struct {
	Incident *Incident
	Document *Document
}

// ReminderService keeps the record of reminders sent, so that two instances
// sharing one database send each reminder once, and answers the queries the
// reminder scheduler needs beyond the other services.
type ReminderService interface {
	// ClaimReminder records c unless the same kind, subject, period and
	// channel is already sent or held by an unexpired claim, and reports
	// whether c now holds it. The claim commits before it returns. Errors:
	// EINVALID.
	ClaimReminder(ctx context.Context, c *ReminderClaim) (bool, error)
	// ConfirmReminder marks the claim sent at sentAt; a sent reminder is
	// never claimed again. Errors: ENOTFOUND (the token no longer holds it).
	ConfirmReminder(ctx context.Context, c *ReminderClaim, sentAt time.Time) error
	// ReleaseReminder drops an unsent claim so that a later pass retries.
	// Releasing a claim the token no longer holds does nothing.
	ReleaseReminder(ctx context.Context, c *ReminderClaim) error
	// PruneReminders deletes the records claimed before cutoff and returns
	// how many went; records of kind ReminderDistribution stay.
	PruneReminders(ctx context.Context, cutoff time.Time) (int64, error)
	// FindStaleDrafts returns the RESOLVED incidents resolved at or before
	// resolvedBefore whose document is still DRAFT, oldest resolution first.
	FindStaleDrafts(ctx context.Context, resolvedBefore time.Time) ([]*ReviewSubject, error)
	// FindReviewsDue returns the documents, not ARCHIVED, whose Next Review
	// Date is in [from, to], soonest first.
	FindReviewsDue(ctx context.Context, from, to time.Time) ([]*ReviewSubject, error)
	// CountOpenIncidents returns how many incidents are not RESOLVED, by
	// severity; severities without any are absent.
	CountOpenIncidents(ctx context.Context) (map[Severity]int, error)
}

// Validate returns an EINVALID error that lists every invalid field.
func (c *ReminderClaim) Validate() error {
	var v Validation
	if c.Kind == "" {
		v.Add("kind", "is required")
	}
	if c.Subject == "" {
		v.Add("subject", "is required")
	}
	if c.Period == "" {
		v.Add("period", "is required")
	}
	if c.Channel == "" {
		v.Add("channel", "is required")
	}
	if c.Token == "" {
		v.Add("token", "is required")
	}
	if c.ClaimedAt.IsZero() {
		v.Add("claimed_at", "is required")
	}
	if !c.LeaseUntil.After(c.ClaimedAt) {
		v.Add("lease_until", "must be after claimed_at")
	}
	return v.Err("reminder claim")
}
