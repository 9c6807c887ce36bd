package hindsight

import "fmt"

// DocumentStatus is where a post-mortem document is in its review workflow.
type DocumentStatus string

// Document statuses, in workflow order.
const (
	DocDraft       DocumentStatus = "DRAFT"
	DocUnderReview DocumentStatus = "UNDER REVIEW"
	DocApproved    DocumentStatus = "APPROVED"
	DocArchived    DocumentStatus = "ARCHIVED"
)

// DocumentStatuses lists every document status in workflow order.
var DocumentStatuses = []DocumentStatus{DocDraft, DocUnderReview, DocApproved, DocArchived}

// Valid reports whether s is a known document status.
func (s DocumentStatus) Valid() bool {
	for _, v := range DocumentStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// docTransitions lists the legal moves of a document. UNDER REVIEW and
// APPROVED may go back to DRAFT (with a reason: the explicit, recorded
// reopening of a record); ARCHIVED is final and read-only.
var docTransitions = map[DocumentStatus][]DocumentStatus{
	DocDraft:       {DocUnderReview},
	DocUnderReview: {DocDraft, DocApproved},
	DocApproved:    {DocArchived, DocDraft},
}

// CanTransition returns nil when a document may move from s to to, else an
// ECONFLICT error that says why not.
func (s DocumentStatus) CanTransition(to DocumentStatus) error {
	if !to.Valid() {
		return Errorf(EINVALID, "unknown document status %q", to)
	}
	for _, v := range docTransitions[s] {
		if v == to {
			return nil
		}
	}
	if s == DocArchived {
		return Errorf(ECONFLICT, "the post-mortem is ARCHIVED and read-only")
	}
	return Errorf(ECONFLICT, "a post-mortem cannot move from %s to %s", s, to)
}

// TransitionRole returns the least access role that may move a document
// from s to to: entering or leaving APPROVED (approve, archive, reopen the
// record) needs an approver, every other move an editor. The review
// service applies it on every path (API, UI, CLI).
func (s DocumentStatus) TransitionRole(to DocumentStatus) Role {
	if to == DocApproved || to == DocArchived || s == DocApproved || s == DocArchived {
		return RoleApprover
	}
	return RoleEditor
}

// IncidentStatus is where the incident itself is, independent of its document.
type IncidentStatus string

// Incident statuses, in order.
const (
	IncidentInvestigating IncidentStatus = "UNDER INVESTIGATION"
	IncidentMitigated     IncidentStatus = "MITIGATED"
	IncidentResolved      IncidentStatus = "RESOLVED"
)

// IncidentStatuses lists every incident status in order.
var IncidentStatuses = []IncidentStatus{IncidentInvestigating, IncidentMitigated, IncidentResolved}

// Valid reports whether s is a known incident status.
func (s IncidentStatus) Valid() bool {
	return s == IncidentInvestigating || s == IncidentMitigated || s == IncidentResolved
}

// incidentTransitions allows moving forward, skipping MITIGATED, and reopening
// a resolved incident (an alert group that fires again).
var incidentTransitions = map[IncidentStatus][]IncidentStatus{
	IncidentInvestigating: {IncidentMitigated, IncidentResolved},
	IncidentMitigated:     {IncidentResolved, IncidentInvestigating},
	IncidentResolved:      {IncidentInvestigating},
}

// CanTransition returns nil when an incident may move from s to to, else an
// ECONFLICT error that says why not.
func (s IncidentStatus) CanTransition(to IncidentStatus) error {
	if !to.Valid() {
		return Errorf(EINVALID, "unknown incident status %q", to)
	}
	for _, v := range incidentTransitions[s] {
		if v == to {
			return nil
		}
	}
	if s == to {
		return Errorf(ECONFLICT, "the incident is already %s", s)
	}
	return Errorf(ECONFLICT, "an incident cannot move from %s to %s", s, to)
}

// String implements fmt.Stringer.
func (s IncidentStatus) String() string { return string(s) }

// String implements fmt.Stringer.
func (s DocumentStatus) String() string { return string(s) }

var _ fmt.Stringer = IncidentResolved
