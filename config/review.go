package config

import (
	"sort"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// ReviewConfig governs the review workflow: who may sign which role, which
// sign-offs an approval needs, and when a resolved incident's post-mortem is
// late for review.
type ReviewConfig struct {
	// Signers lists, per sign-off role (author, technical_review,
	// management_review, final_approval), the handles or e-mails allowed to
	// sign it. A role left out, or with an empty list, may be signed by
	// anyone with the access role (editor for author, approver otherwise).
	Signers map[string][]string `yaml:"signers" json:"signers"`
	// RequiredSignoffs are the roles APPROVED needs; the default is all four.
	RequiredSignoffs []string `yaml:"required_signoffs" json:"required_signoffs"`
	// AllowAuthorFinalApproval lets the author also sign final approval.
	AllowAuthorFinalApproval bool `yaml:"allow_author_final_approval" json:"allow_author_final_approval"`
	// AllowSameSignerRoles lets one person sign several required roles;
	// false (the default) needs a different person for each.
	AllowSameSignerRoles bool `yaml:"allow_same_signer_roles" json:"allow_same_signer_roles"`
	// ReviewDueDays is how many days after resolution a post-mortem that has
	// not gone to review is late (reminders use it).
	ReviewDueDays int `yaml:"review_due_days" json:"review_due_days"`
}

// DefaultReviewConfig requires all four sign-offs, lets anyone with the
// access role sign, and makes review due five days after resolution.
func DefaultReviewConfig() ReviewConfig {
	req := make([]string, len(hindsight.SignOffRoles))
	for i, r := range hindsight.SignOffRoles {
		req[i] = string(r)
	}
	return ReviewConfig{Signers: map[string][]string{}, RequiredSignoffs: req, ReviewDueDays: 5}
}

// Policy returns the sign-off policy the review service enforces.
func (r ReviewConfig) Policy() hindsight.SignOffPolicy {
	p := hindsight.SignOffPolicy{
		Signers:                  map[hindsight.SignOffRole][]string{},
		AllowAuthorFinalApproval: r.AllowAuthorFinalApproval,
		AllowSameSignerRoles:     r.AllowSameSignerRoles,
	}
	for role, list := range r.Signers {
		p.Signers[hindsight.SignOffRole(role)] = append([]string(nil), list...)
	}
	for _, role := range r.RequiredSignoffs {
		p.Required = append(p.Required, hindsight.SignOffRole(role))
	}
	return p
}

// review checks the review section.
func (v *fieldErrors) review(r ReviewConfig) {
	roles := make([]string, 0, len(r.Signers))
	for role := range r.Signers {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	for _, role := range roles {
		if !hindsight.SignOffRole(role).Valid() {
			v.add("review.signers."+role, "is not a sign-off role: use author, technical_review, management_review or final_approval")
			continue
		}
		for _, s := range r.Signers[role] {
			if strings.TrimSpace(s) == "" {
				v.add("review.signers."+role, "contains an empty signer")
			}
		}
	}
	seen := map[string]bool{}
	for _, role := range r.RequiredSignoffs {
		if !hindsight.SignOffRole(role).Valid() {
			v.add("review.required_signoffs", "%q is not a sign-off role: use author, technical_review, management_review or final_approval", role)
		} else if seen[role] {
			v.add("review.required_signoffs", "lists %s twice", role)
		}
		seen[role] = true
	}
	if r.ReviewDueDays < 1 {
		v.add("review.review_due_days", "must be at least 1, got %d", r.ReviewDueDays)
	}
}
