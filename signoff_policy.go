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
	// AllowSameSignerRoles lets one person sign several required roles;
	// by default each required role needs a different person.
	AllowSameSignerRoles bool
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
// case, a leading "@" and the "token:" prefix of identities recorded by
// earlier versions are ignored, so "@Ana", "ana" and "token:ana" match.
func SamePerson(a, b string) bool {
	return PersonKey(a) != "" && PersonKey(a) == PersonKey(b)
}

// PersonKey returns the form in which handles and e-mails compare: lower
// case, without a leading "@" or "token:" prefix.
func PersonKey(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 6 && strings.EqualFold(s[:6], "token:") {
		s = s[6:]
	}
	return strings.ToLower(strings.TrimLeft(s, "@"))
}

// active reports whether a sign-off counts: signed and not voided since.
func active(so SignOff) bool { return so.SignedAt != nil && so.VoidedAt == nil }

// required reports whether the policy's approval needs role.
func (p SignOffPolicy) required(role SignOffRole) bool {
	for _, r := range p.RequiredRoles() {
		if r == role {
			return true
		}
	}
	return false
}

// CheckSigner applies the separation of duties to one new sign-off: the
// person named signer signing role on a document whose author is author,
// beside the sign-offs already given. The author never gives the final
// approval, nor the final approver signs as author (unless
// AllowAuthorFinalApproval); a person who signed one required role signs
// no other (unless AllowSameSignerRoles). People compare by handle
// (SamePerson). Errors: EFORBIDDEN saying which rule and which setting.
func (p SignOffPolicy) CheckSigner(role SignOffRole, signer, author string, given []SignOff) error {
	if !p.AllowAuthorFinalApproval {
		if role == RoleFinalApproval && SamePerson(author, signer) {
			return Errorf(EFORBIDDEN, "%s is the author and may not give its final approval (review.allow_author_final_approval is false)", signer)
		}
		for _, so := range given {
			if !active(so) || !SamePerson(so.Signer, signer) {
				continue
			}
			if role == RoleFinalApproval && so.Role == RoleAuthor {
				return Errorf(EFORBIDDEN, "%s signed as author and may not give its final approval (review.allow_author_final_approval is false)", signer)
			}
			if role == RoleAuthor && so.Role == RoleFinalApproval {
				return Errorf(EFORBIDDEN, "%s gave the final approval and may not also sign as author (review.allow_author_final_approval is false)", signer)
			}
		}
	}
	if p.AllowSameSignerRoles || !p.required(role) {
		return nil
	}
	for _, so := range given {
		if so.Role != role && active(so) && p.required(so.Role) && SamePerson(so.Signer, signer) {
			return Errorf(EFORBIDDEN, "%s already signed %s; each required sign-off needs a different person (review.allow_same_signer_roles is false)", signer, so.Role.Label())
		}
	}
	return nil
}

// CheckApproval applies the separation of duties to a whole set of
// sign-offs before approval, so that a policy tightened after signing is
// still enforced. Errors: EFORBIDDEN naming the first pair that breaks a
// rule.
func (p SignOffPolicy) CheckApproval(author string, given []SignOff) error {
	for i, so := range given {
		if !active(so) {
			continue
		}
		var others []SignOff
		others = append(others, given[:i]...)
		others = append(others, given[i+1:]...)
		if err := p.CheckSigner(so.Role, so.Signer, author, others); err != nil {
			return err
		}
	}
	return nil
}
