package hindsight

import "strings"

// SignOffPolicy says who may sign which review role and which roles an
// approval needs.
type SignOffPolicy struct {
	// Signers lists, per role, the handles or e-mails allowed to sign it;
	// a role without a list may be signed by anyone with the access role.
	Signers map[SignOffRole][]string
	// Required are the roles whose sign-offs APPROVED needs; empty means
	// all four.
	Required []SignOffRole
	// AllowAuthorFinalApproval lets the author also sign final approval.
	AllowAuthorFinalApproval bool
}

// DefaultSignOffPolicy requires all four roles, lets anyone with the access
// role sign, and keeps the author from giving final approval.
func DefaultSignOffPolicy() SignOffPolicy {
	return SignOffPolicy{Required: append([]SignOffRole(nil), SignOffRoles...)}
}

// RequiredRoles returns the roles an approval needs, in document order.
func (p SignOffPolicy) RequiredRoles() []SignOffRole {
	if len(p.Required) == 0 {
		return SignOffRoles
	}
	var out []SignOffRole
	for _, r := range SignOffRoles {
		for _, q := range p.Required {
			if r == q {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// AccessRole returns the least access role that may sign role: editors
// sign as author, approvers sign every other role.
func (SignOffPolicy) AccessRole(role SignOffRole) Role {
	if role == RoleAuthor {
		return RoleEditor
	}
	return RoleApprover
}

// MaySign reports whether the person named name is listed for role, or the
// role has no list. Names compare case-insensitively and without a leading
// "@", so "@Ana" matches "ana".
func (p SignOffPolicy) MaySign(role SignOffRole, name string) bool {
	list := p.Signers[role]
	if len(list) == 0 {
		return true
	}
	for _, s := range list {
		if SamePerson(s, name) {
			return true
		}
	}
	return false
}

// SamePerson reports whether two handles or e-mails name the same person:
// case and a leading "@" are ignored.
func SamePerson(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.TrimLeft(strings.TrimSpace(s), "@")) }
	return norm(a) != "" && norm(a) == norm(b)
}
