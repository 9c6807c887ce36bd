package hindsight

import (
	"fmt"
	"time"
)

// The review workflow's request and result types: what a person asks of the
// review service (package review) and what it answers. They live here so
// that every front end (the HTTP API and pages, Slack, the CLI) speaks to
// the service in the domain's terms and imports no sibling's types.

// IncidentPatch changes some of an incident's own fields; nil fields stay.
// Lists and links replace the stored ones whole.
type IncidentPatch struct {
	Title       *string   `json:"title"`
	Severity    *Severity `json:"severity"`
	Summary     *string   `json:"summary"`
	Description *string   `json:"description"`
	Services    *[]string `json:"services"`
	Regions     *[]string `json:"regions"`
	// Links are label → URL pairs, shown under Supporting Information.
	Links *[]Link `json:"links"`
}

// Declaration is an incident a person declares by hand, such as a
// customer-reported outage that no alert saw.
type Declaration struct {
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// StartedAt is when it started; zero means now.
	StartedAt time.Time `json:"started_at"`
	Summary   string    `json:"summary"`
	Services  []string  `json:"services"`
	Regions   []string  `json:"regions"`
}

// Response is a responder's step that Time to Acknowledge and Time to
// Mitigate measure.
type Response string

// The responses a person records with one button.
const (
	Acknowledge Response = "acknowledge"
	Mitigate    Response = "mitigate"
)

// NarrativeUpdate is the outcome of a narrative change: the stored document
// and the sign-offs the change voided.
type NarrativeUpdate struct {
	Document *Document `json:"document"`
	// Changed lists the narrative fields that changed, by JSON name.
	Changed []string `json:"changed"`
	// Voided are the sign-offs this change voided.
	Voided []*SignOff `json:"voided"`
}

// ActionPatch changes some fields of an action item; nil fields stay.
type ActionPatch struct {
	Title        *string       `json:"title"`
	Owner        *string       `json:"owner"`
	Horizon      *Horizon      `json:"horizon"`
	DueDate      *time.Time    `json:"due_date"`
	Status       *ActionStatus `json:"status"`
	StatusReason *string       `json:"status_reason"`
	Verification *string       `json:"verification"`
	TrackerURL   *string       `json:"tracker_url"`
}

// ActionQuery selects action items across incidents.
type ActionQuery struct {
	IncidentID string
	Owner      string
	Status     ActionStatus
	// Overdue keeps only the items overdue now.
	Overdue bool
	Page
}

// Severities of findings: an error stops a document going to review, a
// warning is shown beside it.
const (
	FindingError   = "error"
	FindingWarning = "warning"
)

// Finding is one problem in a document, the one finding type of the CLI,
// the server and the review workflow (package lint finds them).
type Finding struct {
	// File is the document's name as given to the check; empty for a
	// stored post-mortem.
	File string `json:"file,omitempty"`
	// Line is the 1-based source line the finding is about, 0 when unknown.
	Line int `json:"line"`
	// Rule is one of lint's rule IDs.
	Rule string `json:"rule"`
	// Message says what is wrong and how to fix it.
	Message string `json:"message"`
	// Severity is FindingError, or FindingWarning for what a person should
	// look at but may keep (figure-mismatch).
	Severity string `json:"severity"`
	// Field names the narrative field of a stored post-mortem, such as
	// "whys[2].answer", when the finding is about one.
	Field string `json:"field,omitempty"`
}

// String formats the finding as "file:line: rule: message" ("line: rule:
// message" without a file); a warning's rule reads "rule (warning)".
func (f Finding) String() string {
	rule := f.Rule
	if f.Severity == FindingWarning {
		rule += " (warning)"
	}
	if f.File == "" {
		return fmt.Sprintf("%d: %s: %s", f.Line, rule, f.Message)
	}
	return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, rule, f.Message)
}

// LintError refuses a submission for review: an ECONFLICT error whose
// message lists the findings, with the findings themselves for the API.
type LintError struct {
	Err      *Error
	Findings []Finding
}

// Error returns the conflict's message.
func (e *LintError) Error() string { return e.Err.Error() }

// Unwrap returns the conflict, so that ErrorCode sees ECONFLICT.
func (e *LintError) Unwrap() error { return e.Err }
