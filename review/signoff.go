package review

import (
	"context"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// SignOff records that the context's identity signs role on an incident's
// post-mortem, at the service's clock. The author role needs the editor
// access role, every other role the approver role; review.signers may
// restrict each role to named people; the author may not give final
// approval (nor the final approver sign as author) unless the policy
// allows it; each required role is signed by a different person unless
// review.allow_same_signer_roles. The author signs a DRAFT or a document UNDER REVIEW, every
// other role a document UNDER REVIEW. A role signed before and voided since
// is signed again. Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID, ENOTFOUND,
// ECONFLICT (wrong document status, already signed, ARCHIVED).
func (s *Service) SignOff(ctx context.Context, incidentID string, role hindsight.SignOffRole) (*hindsight.SignOff, error) {
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.maySign(id, role); err != nil {
		return nil, err
	}
	var out *hindsight.SignOff
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		doc, err := tx.FindDocument(ctx, incidentID)
		if err != nil {
			return err
		}
		if err := signableStatus(doc, role); err != nil {
			return err
		}
		signOffs, err := tx.FindSignOffs(ctx, incidentID)
		if err != nil {
			return err
		}
		if err := s.separateDuties(doc, signOffs, id, role); err != nil {
			return err
		}
		out, err = s.sign(ctx, tx, incidentID, signOffs, id, role)
		return err
	})
	return out, err
}

// maySign checks the access role and the configured signers.
func (s *Service) maySign(id hindsight.Identity, role hindsight.SignOffRole) error {
	if !role.Valid() {
		return hindsight.Errorf(hindsight.EINVALID, "unknown sign-off role %q: use author, technical_review, management_review or final_approval", role)
	}
	if need := s.Policy.AccessRole(role); !id.Role.Allows(need) {
		return hindsight.Errorf(hindsight.EFORBIDDEN, "%s has role %s; signing %s needs %s or above", id.Name, id.Role, role.Label(), need)
	}
	if !s.Policy.MaySign(role, id.Name) {
		return hindsight.Errorf(hindsight.EFORBIDDEN, "%s may not sign %s: review.signers.%s lists %s",
			id.Name, role.Label(), role, strings.Join(s.Policy.Signers[role], ", "))
	}
	return nil
}

func signableStatus(doc *hindsight.Document, role hindsight.SignOffRole) error {
	if err := archivedError(doc); err != nil {
		return err
	}
	switch {
	case doc.Status == hindsight.DocUnderReview:
		return nil
	case doc.Status == hindsight.DocDraft && role == hindsight.RoleAuthor:
		return nil
	case doc.Status == hindsight.DocDraft:
		return hindsight.Errorf(hindsight.ECONFLICT, "the post-mortem of %s is a DRAFT: submit it for review before the %s sign-off", doc.IncidentID, role.Label())
	}
	return hindsight.Errorf(hindsight.ECONFLICT, "the post-mortem of %s is already %s: sign-offs are closed", doc.IncidentID, doc.Status)
}

// separateDuties applies the policy's separation of duties
// (hindsight.SignOffPolicy.CheckSigner) to the identity signing role.
func (s *Service) separateDuties(doc *hindsight.Document, signOffs []*hindsight.SignOff, id hindsight.Identity, role hindsight.SignOffRole) error {
	given := make([]hindsight.SignOff, 0, len(signOffs))
	for _, so := range signOffs {
		given = append(given, *so)
	}
	if err := s.Policy.CheckSigner(role, id.Name, doc.Author, given); err != nil {
		return hindsight.Errorf(hindsight.EFORBIDDEN, "%s of %s: %s", role.Label(), doc.IncidentID, hindsight.ErrorMessage(err))
	}
	return nil
}

// sign creates the role's sign-off, or signs again one that was voided.
func (s *Service) sign(ctx context.Context, tx hindsight.Services, incidentID string, signOffs []*hindsight.SignOff, id hindsight.Identity, role hindsight.SignOffRole) (*hindsight.SignOff, error) {
	now := s.now()
	for _, so := range signOffs {
		if so.Role != role {
			continue
		}
		if so.SignedAt != nil && so.VoidedAt == nil {
			return nil, hindsight.Errorf(hindsight.ECONFLICT, "%s of %s is already signed by %s on %s",
				role.Label(), incidentID, so.Signer, so.SignedAt.Format("2006-01-02 15:04 UTC"))
		}
		so.Signer, so.SignedAt, so.VoidedAt, so.VoidedReason = id.Name, &now, nil, ""
		return so, tx.UpdateSignOff(ctx, so)
	}
	so := &hindsight.SignOff{IncidentID: incidentID, Role: role, Signer: id.Name, SignedAt: &now}
	return so, tx.CreateSignOff(ctx, so)
}

// SignOffs returns an incident's sign-offs in role order. Errors: ENOTFOUND.
func (s *Service) SignOffs(ctx context.Context, incidentID string) ([]*hindsight.SignOff, error) {
	return s.Store.FindSignOffs(ctx, incidentID)
}
