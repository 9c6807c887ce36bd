package hindsight

import (
	"encoding/json"
	"strings"
	"time"
)

// Revision entities: the kinds of record whose changes history keeps.
const (
	EntityIncident = "incident"
	EntityDocument = "document"
	EntityTimeline = "timeline_event"
	EntityAction   = "action_item"
	EntitySignOff  = "sign_off"
)

// Revision is one change in history: who changed which fields of which
// record, when, and their values before and after.
type Revision struct {
	// ID orders nothing (history is ordered by time): the creation of a
	// timeline event that has not changed since has the negative of the
	// event's ID, and an ID of its own from the event's first change.
	ID         int64  `json:"id"`
	IncidentID string `json:"incident_id"`
	// Entity is one of the Entity constants; EntityID is the record's ID.
	Entity   string `json:"entity"`
	EntityID string `json:"entity_id"`
	// Version is the record's version after the change (0 for records that
	// carry no version).
	Version int       `json:"version"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
	// Fields lists the JSON names of the fields that changed, sorted.
	Fields []string `json:"fields"`
	// Before and After hold those fields' values as a JSON object; Before is
	// null for a creation, After is null for a deletion.
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// AlertNotification is one webhook notification as received, kept for
// deduplication and as evidence, up to a retention bound.
type AlertNotification struct {
	ID int64 `json:"id"`
	// Fingerprint identifies the notification's content: the same
	// notification delivered twice has the same fingerprint.
	Fingerprint string    `json:"fingerprint"`
	GroupKey    string    `json:"group_key"`
	Body        []byte    `json:"body"`
	ReceivedAt  time.Time `json:"received_at"`
	// IncidentID is the incident it opened or updated, once known.
	IncidentID string `json:"incident_id,omitempty"`
}

// Validate returns an EINVALID error that lists every invalid field.
func (n *AlertNotification) Validate() error {
	var v Validation
	if strings.TrimSpace(n.Fingerprint) == "" {
		v.Add("fingerprint", "is required")
	}
	if n.ReceivedAt.IsZero() {
		v.Add("received_at", "is required")
	}
	return v.Err("alert notification")
}

// AlertStatus is whether an alert fires.
type AlertStatus string

// Alert statuses, as Alertmanager spells them.
const (
	AlertFiring   AlertStatus = "firing"
	AlertResolved AlertStatus = "resolved"
)

// AlertState is the last known state of one alert of an incident.
type AlertState struct {
	IncidentID string `json:"incident_id"`
	// AlertKey identifies the alert within the incident (its fingerprint).
	AlertKey string            `json:"alert_key"`
	Labels   map[string]string `json:"labels"`
	Status   AlertStatus       `json:"status"`
	StartsAt time.Time         `json:"starts_at"`
	// EndsAt is set once the alert is resolved.
	EndsAt    *time.Time `json:"ends_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Validate returns an EINVALID error that lists every invalid field.
func (a *AlertState) Validate() error {
	var v Validation
	if strings.TrimSpace(a.IncidentID) == "" {
		v.Add("incident_id", "is required")
	}
	if strings.TrimSpace(a.AlertKey) == "" {
		v.Add("alert_key", "is required")
	}
	if a.Status != AlertFiring && a.Status != AlertResolved {
		v.Add("status", "must be firing or resolved, got %q", a.Status)
	}
	if a.StartsAt.IsZero() {
		v.Add("starts_at", "is required")
	}
	v.CheckTime("starts_at", a.StartsAt)
	v.CheckTimePtr("ends_at", a.EndsAt)
	return v.Err("alert state")
}

// TokenUseInterval is how often a token's last use is written: at most
// once per interval per token, so that a busy client's requests are reads.
const TokenUseInterval = time.Minute

// APIToken is an API credential. The secret itself is shown once at creation
// and never stored: Hash is what the store keeps and looks up.
type APIToken struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	Hash string `json:"hash"`
	// Display is a readable name for the person or system using the
	// token, such as "On-call lead"; optional.
	Display string `json:"display,omitempty"`
	// Handle is the person's handle (stored without "@"); documents and
	// history name the token's requests by it, or by Name when empty.
	Handle     string     `json:"handle,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	// ExpiresAt is when the token stops working; nil means never (tokens
	// made before expiry existed, or created with --expires never).
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// CreatedBy names who created the token: a handle, or "cli:<user>"
	// for the command line.
	CreatedBy string `json:"created_by,omitempty"`
}

// DefaultTokenLifetime is how long a new API token works unless its
// creator says otherwise.
const DefaultTokenLifetime = 90 * 24 * time.Hour

// Expired reports whether the token no longer works at now.
func (t *APIToken) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// ExpiredError is the EUNAUTHORIZED error of a request made with t after
// it expired: it says so, and what to do.
func (t *APIToken) ExpiredError() error {
	return Errorf(EUNAUTHORIZED, "API token %q expired at %s: ask an admin for a new one ('hindsight token create')",
		t.Name, t.ExpiresAt.UTC().Format(time.RFC3339))
}

// Validate returns an EINVALID error that lists every invalid field.
func (t *APIToken) Validate() error {
	var v Validation
	if strings.TrimSpace(t.Name) == "" {
		v.Add("name", "is required")
	}
	if strings.TrimSpace(t.Role) == "" {
		v.Add("role", "is required")
	}
	if strings.TrimSpace(t.Hash) == "" {
		v.Add("hash", "is required")
	}
	if t.Handle != "" && !ValidHandle(t.Handle) {
		v.Add("handle", "must be 1 to 64 letters, digits, '.', '_' or '-', with or without a leading @, got %q", t.Handle)
	}
	if len(t.Display) > 200 {
		v.Add("display", "must be at most 200 bytes")
	}
	v.CheckTimePtr("expires_at", t.ExpiresAt)
	v.CheckText("created_by", t.CreatedBy, 200)
	return v.Err("API token")
}
