package hindsight

import "time"

// Document is the post-mortem of one incident: its review status and the
// narrative people write. Facts that Hindsight knows (dates, timeline, actions,
// figures) live on the incident and its related records and are rendered into
// the document, never typed twice.
type Document struct {
	IncidentID string         `json:"incident_id"`
	Status     DocumentStatus `json:"status"`
	Author     string         `json:"author"`
	// Generator names the program that first generated the document.
	Generator   string    `json:"generator"`
	GeneratedAt time.Time `json:"generated_at"`
	Narrative   Narrative `json:"narrative"`
	// NextReviewDate is six calendar months after the incident started.
	NextReviewDate time.Time `json:"next_review_date"`
	// TimelineEdited and SummaryEdited are set when a person edits those parts;
	// from then on they no longer follow the incident automatically.
	TimelineEdited bool      `json:"timeline_edited"`
	SummaryEdited  bool      `json:"summary_edited"`
	Version        int       `json:"version"`
	UpdatedAt      time.Time `json:"updated_at"`
	UpdatedBy      string    `json:"updated_by"`
	// ApprovedAt and ApprovedMarkdown are the moment of approval and the
	// document as approved, kept while it is APPROVED or ARCHIVED: the
	// record that later follow-up does not change. Back to DRAFT clears
	// them.
	ApprovedAt       *time.Time `json:"approved_at,omitempty"`
	ApprovedMarkdown string     `json:"approved_markdown,omitempty"`
}

// Closed reports whether the document is a record: APPROVED or ARCHIVED.
// Alerts no longer reopen its incident, impact is not remeasured, and only
// action items' follow-up fields change until it goes back to DRAFT.
func (d *Document) Closed() bool {
	return d != nil && (d.Status == DocApproved || d.Status == DocArchived)
}

// ClosedError returns the ECONFLICT error of a write refused because the
// document is a record (what says what was refused, such as "its impact is
// not remeasured"), nil when the document is not closed.
func (d *Document) ClosedError(what string) error {
	if !d.Closed() {
		return nil
	}
	if d.Status == DocArchived {
		return Errorf(ECONFLICT, "the post-mortem of %s is ARCHIVED and read-only: %s", d.IncidentID, what)
	}
	return Errorf(ECONFLICT, "the post-mortem of %s is APPROVED and is a record: %s; move it back to DRAFT first (with a reason: the sign-offs are voided)", d.IncidentID, what)
}

// Narrative is what people write. Each labelled list is one bullet list of the
// seed (such as "Contributing Factors"); its labels and placeholder values
// come from the template and are kept so that a linter can find what is left.
type Narrative struct {
	// Executive summary bullets besides What and When.
	Impact     string `json:"impact"`
	RootCause  string `json:"root_cause"`
	Resolution string `json:"resolution"`
	// BusinessImpact holds Users Affected, Revenue Impact, Feature Availability, SLA Breaches.
	BusinessImpact []Field `json:"business_impact"`
	DataSources    string  `json:"data_sources"`
	// Whys is the 5 whys of the root cause analysis.
	Whys                  []Why   `json:"whys"`
	ContributingFactors   []Field `json:"contributing_factors"`
	WentWell              []Field `json:"went_well"`
	CouldImprove          []Field `json:"could_improve"`
	TechnicalLessons      []Field `json:"technical_lessons"`
	ProcessLessons        []Field `json:"process_lessons"`
	OrganizationalLessons []Field `json:"organizational_lessons"`
	RelevantLinks         []Field `json:"relevant_links"`
	Evidence              []Field `json:"evidence"`
	ExternalCommunication []Field `json:"external_communication"`
	Distribution          []Check `json:"distribution"`
	// Dismissed lists the template's placeholder rows (timeline and
	// corrective-action rows) that people removed because they do not apply,
	// by key: "timeline/detection/1", "actions/long/0". They are not
	// rendered again, so a post-mortem can pass lint without inventing
	// events that never happened.
	Dismissed []string `json:"dismissed_placeholders,omitempty"`
	// TimeLayout is the form an imported document wrote its timeline times
	// in (Go layout: "15:04", "2006-01-02 15:04", seconds as ":05"): a time
	// layout alone writes first-day times without date, others with it.
	// Empty: HH:MM, every time with its date when the incident crosses
	// midnight.
	TimeLayout string `json:"time_layout,omitempty"`
	// Figures keeps the impact sections (Service Level Impact, Response
	// Time Metrics, SLO Impact Calculation) whose figures a person typed,
	// heading and body as written: documents show them, and measured
	// figures are shown beside them, never over them.
	Figures []Section `json:"figures,omitempty"`
	// Extra keeps sections of an imported document that the model does not
	// know, verbatim, so that nothing in a source document is lost.
	Extra []Section `json:"extra,omitempty"`
}

// Field is one "- **Label**: value" bullet.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Why is one step of the 5 whys.
type Why struct {
	Question string `json:"question"`
	// Prompt is the bracketed hint after the question, such as "[Immediate symptom]".
	Prompt string `json:"prompt"`
	Answer string `json:"answer"`
}

// Check is one "- [ ] item" of a checklist.
type Check struct {
	Label   string `json:"label"`
	Checked bool   `json:"checked"`
}

// Section is a Markdown section kept verbatim.
type Section struct {
	Heading string `json:"heading"`
	Body    string `json:"body"`
}

// Postmortem gathers everything one document shows.
type Postmortem struct {
	Incident Incident        `json:"incident"`
	Document Document        `json:"document"`
	Timeline []TimelineEvent `json:"timeline"`
	Actions  []ActionItem    `json:"actions"`
	SignOffs []SignOff       `json:"sign_offs"`
	SLO      SLOTargets      `json:"slo"`
	// FollowUp is the 30-day follow-up, nil until it is computed.
	FollowUp *FollowUp `json:"follow_up,omitempty"`
	// Impact is the measured impact, nil until it is computed.
	Impact *Impact `json:"impact,omitempty"`
	// Changes are the reported changes to the incident's services in the
	// window before its impact start, latest first.
	Changes []Change `json:"changes,omitempty"`
	// Attachments are the incident's attachments, without their data.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Record returns the document as approved, and true, when the post-mortem
// is APPROVED or ARCHIVED and kept its approved Markdown: what every
// Markdown answer serves then, byte for byte, whatever changes later.
func (pm *Postmortem) Record() (string, bool) {
	if pm.Document.Closed() && pm.Document.ApprovedMarkdown != "" {
		return pm.Document.ApprovedMarkdown, true
	}
	return "", false
}

// ChangedSinceApproval returns the action items of a closed post-mortem
// that changed after its approval (status, tracker link, verification: its
// follow-up), in document order; nil before approval.
func (pm *Postmortem) ChangedSinceApproval() []ActionItem {
	if !pm.Document.Closed() || pm.Document.ApprovedAt == nil {
		return nil
	}
	var out []ActionItem
	for _, a := range pm.Actions {
		if a.UpdatedAt.After(*pm.Document.ApprovedAt) {
			out = append(out, a)
		}
	}
	return out
}
