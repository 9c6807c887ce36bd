package hindsight

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// ChangeKind says what a reported change changed.
type ChangeKind string

// Change kinds. A deploy is listed under the document's Code Changes, the
// others under Configuration Changes.
const (
	ChangeDeploy      ChangeKind = "deploy"
	ChangeConfig      ChangeKind = "config"
	ChangeFeatureFlag ChangeKind = "feature-flag"
)

// ChangeKinds lists the kinds a change may have.
var ChangeKinds = []ChangeKind{ChangeDeploy, ChangeConfig, ChangeFeatureFlag}

// Valid reports whether k is a known kind.
func (k ChangeKind) Valid() bool {
	for _, x := range ChangeKinds {
		if k == x {
			return true
		}
	}
	return false
}

// IsCode reports whether a change of kind k is a code change (a deploy).
func (k ChangeKind) IsCode() bool { return k == ChangeDeploy }

// Limits of a reported change's fields.
const (
	MaxChangeTitle   = 500
	MaxChangeService = 200
	MaxChangeURL     = 2048
	MaxChangeAuthor  = 200
	// MaxChangeFuture is how far in the future a change's time may be: a
	// little clock skew, not a scheduled change.
	MaxChangeFuture = 5 * time.Minute
)

// Change is one deploy or configuration change reported by CI/CD
// (POST /api/v1/changes). The changes to an incident's services in the
// hours before its impact start are listed on the incident as suspects.
type Change struct {
	ID      int64      `json:"id"`
	Service string     `json:"service"`
	Kind    ChangeKind `json:"kind"`
	Title   string     `json:"title"`
	URL     string     `json:"url,omitempty"`
	Author  string     `json:"author,omitempty"`
	// At is when the change took effect.
	At        time.Time `json:"at"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// Validate returns an EINVALID error listing every bad field; now bounds
// how far in the future At may be.
func (c *Change) Validate(now time.Time) error {
	var v Validation
	text := func(field, s string, limit int, required bool) {
		switch {
		case required && strings.TrimSpace(s) == "":
			v.Add(field, "is required")
		case len(s) > limit:
			v.Add(field, "is %d bytes, at most %d", len(s), limit)
		case !utf8.ValidString(s):
			v.Add(field, "is not valid UTF-8")
		case strings.ContainsAny(s, "\x00\r\n"):
			v.Add(field, "must be one line")
		}
	}
	text("service", c.Service, MaxChangeService, true)
	text("title", c.Title, MaxChangeTitle, true)
	text("author", c.Author, MaxChangeAuthor, false)
	text("url", c.URL, MaxChangeURL, false)
	if !c.Kind.Valid() {
		v.Add("kind", "must be deploy, config or feature-flag, got %q", c.Kind)
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("url", "must be an absolute http or https URL")
		}
	}
	switch {
	case c.At.IsZero():
		v.Add("at", "is required (RFC 3339, such as 2025-09-30T00:24:00Z)")
	case c.At.After(now.Add(MaxChangeFuture)):
		v.Add("at", "is in the future (%s): report a change when it happens", c.At.UTC().Format(time.RFC3339))
	case c.At.Year() < 2000:
		v.Add("at", "is before 2000")
	}
	return v.Err("change")
}

// ChangeFilter selects reported changes.
type ChangeFilter struct {
	// Services are the services whose changes are wanted; empty means all.
	Services []string
	// From and To bound At: From ≤ At ≤ To.
	From, To time.Time
	// ReportedBefore, when set, keeps the changes reported (CreatedAt) at
	// or before it: an approved document lists only what was known then.
	ReportedBefore time.Time
	// Limit caps the result; 0 means DefaultPageLimit.
	Limit int
}

// ChangeService stores reported changes.
type ChangeService interface {
	// CreateChange validates and stores a change, setting its ID and
	// CreatedAt. Errors: EINVALID.
	CreateChange(ctx context.Context, c *Change) error
	// FindChanges returns the changes f selects, latest first.
	FindChanges(ctx context.Context, f ChangeFilter) ([]*Change, error)
}

// SuspectEvent is the timeline event that records c as a suspected
// trigger of an incident.
func SuspectEvent(incidentID string, c *Change) TimelineEvent {
	action := c.Title
	if c.URL != "" {
		action += " (" + c.URL + ")"
	}
	if c.Author != "" {
		action += " by " + c.Author
	}
	return TimelineEvent{IncidentID: incidentID, Time: c.At.UTC(), Type: EventHypothesis,
		Event: "Suspected trigger: " + string(c.Kind) + " of " + c.Service, Actor: "CI/CD", Action: action, Source: "change"}
}
