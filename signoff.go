package hindsight

import "time"

// SignOffRole is one of the seed's review roles.
type SignOffRole string

// The four sign-off roles, in the order the document lists them.
const (
	RoleAuthor           SignOffRole = "author"
	RoleTechnicalReview  SignOffRole = "technical_review"
	RoleManagementReview SignOffRole = "management_review"
	RoleFinalApproval    SignOffRole = "final_approval"
)

// SignOffRoles lists the roles in document order.
var SignOffRoles = []SignOffRole{RoleAuthor, RoleTechnicalReview, RoleManagementReview, RoleFinalApproval}

var signOffLabels = map[SignOffRole]string{
	RoleAuthor:           "Author",
	RoleTechnicalReview:  "Technical Review",
	RoleManagementReview: "Management Review",
	RoleFinalApproval:    "Final Approval",
}

// Label returns the document's name of the role, such as "Technical Review".
func (r SignOffRole) Label() string { return signOffLabels[r] }

// Valid reports whether r is a known role.
func (r SignOffRole) Valid() bool { _, ok := signOffLabels[r]; return ok }

// SignOff is one role's sign-off on a post-mortem.
type SignOff struct {
	ID         int64       `json:"id"`
	IncidentID string      `json:"incident_id"`
	Role       SignOffRole `json:"role"`
	// Signer is the person expected to sign (a handle such as "@parallels").
	Signer string `json:"signer"`
	// SignedAt is set once the signer has signed.
	SignedAt *time.Time `json:"signed_at,omitempty"`
	// VoidedAt is set when a change to the narrative voided the sign-off.
	VoidedAt     *time.Time `json:"voided_at,omitempty"`
	VoidedReason string     `json:"voided_reason,omitempty"`
}
