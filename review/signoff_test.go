package review_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func TestService_SignOff(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		id := "INCIDENT-20250930-0024-signoff"
		f.mustDocumentAt(t, id, hindsight.DocDraft)

		t.Run("ErrAnonymous", func(t *testing.T) {
			_, err := f.svc.SignOff(ctx, id, hindsight.RoleAuthor)
			wantCode(t, err, hindsight.EUNAUTHORIZED, "")
		})
		t.Run("ErrViewerCannotSign", func(t *testing.T) {
			_, err := f.svc.SignOff(viewer, id, hindsight.RoleAuthor)
			wantCode(t, err, hindsight.EFORBIDDEN, "needs editor")
		})
		t.Run("ErrEditorCannotReview", func(t *testing.T) {
			_, err := f.svc.SignOff(editor, id, hindsight.RoleTechnicalReview)
			wantCode(t, err, hindsight.EFORBIDDEN, "needs approver")
		})
		t.Run("ErrReviewOfDraft", func(t *testing.T) {
			_, err := f.svc.SignOff(techLead, id, hindsight.RoleTechnicalReview)
			wantCode(t, err, hindsight.ECONFLICT, "submit it for review")
		})
		t.Run("AuthorSignsDraft", func(t *testing.T) {
			so, err := f.svc.SignOff(author, id, hindsight.RoleAuthor)
			ok(t, err)
			if so.Signer != "parallels" || so.SignedAt == nil || !so.SignedAt.Equal(f.clock.Now()) {
				t.Fatalf("sign-off %+v", so)
			}
			_, err = f.svc.SignOff(author, id, hindsight.RoleAuthor)
			wantCode(t, err, hindsight.ECONFLICT, "already signed by parallels")
		})
		_, err := f.svc.TransitionDocument(editor, id, hindsight.DocUnderReview, "")
		ok(t, err)
		t.Run("ErrAuthorFinalApproval", func(t *testing.T) {
			authorApprover := as("parallels", hindsight.RoleApprover)
			_, err := f.svc.SignOff(authorApprover, id, hindsight.RoleFinalApproval)
			wantCode(t, err, hindsight.EFORBIDDEN, "may not give its final approval")
		})
		t.Run("ErrApprovalNeedsAll", func(t *testing.T) {
			_, err := f.svc.SignOff(techLead, id, hindsight.RoleTechnicalReview)
			ok(t, err)
			_, err = f.svc.TransitionDocument(director, id, hindsight.DocApproved, "")
			wantCode(t, err, hindsight.ECONFLICT, "Management Review (not signed), Final Approval (not signed)")
		})
		t.Run("NarrativeChangeVoids", func(t *testing.T) {
			_, err := f.svc.SignOff(manager, id, hindsight.RoleManagementReview)
			ok(t, err)
			doc, err := f.store.FindDocument(ctx, id)
			ok(t, err)
			n := doc.Narrative
			n.RootCause = "A bad deploy of the API gateway"
			n.Whys[0].Answer = "Gateway returned 502"
			f.clock.Advance(1)
			res, err := f.svc.UpdateNarrative(editor, id, n, doc.Version)
			ok(t, err)
			if strings.Join(res.Changed, ",") != "root_cause,whys" || len(res.Voided) != 3 {
				t.Fatalf("changed %v, voided %d", res.Changed, len(res.Voided))
			}
			signOffs, err := f.svc.SignOffs(ctx, id)
			ok(t, err)
			for _, so := range signOffs {
				if so.VoidedAt == nil || so.VoidedReason != "narrative changed after sign-off: root_cause, whys" {
					t.Fatalf("%s not voided: %+v", so.Role, so)
				}
			}
			_, err = f.svc.SignOff(director, id, hindsight.RoleFinalApproval)
			ok(t, err)
			_, err = f.svc.TransitionDocument(director, id, hindsight.DocApproved, "")
			wantCode(t, err, hindsight.ECONFLICT, "Author (voided: narrative changed after sign-off: root_cause, whys)")

			pm, err := f.store.FindPostmortem(ctx, id)
			ok(t, err)
			v := postmortem.NewView(*pm)
			if v.SignOffs[0].Signed || v.SignOffs[0].Date != "TBD" {
				t.Fatalf("document shows a voided sign-off as signed: %+v", v.SignOffs[0])
			}
		})
		t.Run("ErrStaleNarrative", func(t *testing.T) {
			_, err := f.svc.UpdateNarrative(editor, id, cleanNarrative(), 1)
			wantCode(t, err, hindsight.ECONFLICT, "eddie changed narrative")
		})
		t.Run("ResignAndApprove", func(t *testing.T) {
			for _, c := range []struct {
				ctx  context.Context
				role hindsight.SignOffRole
			}{{author, hindsight.RoleAuthor}, {techLead, hindsight.RoleTechnicalReview}, {manager, hindsight.RoleManagementReview}} {
				so, err := f.svc.SignOff(c.ctx, id, c.role)
				ok(t, err)
				if so.VoidedAt != nil || so.VoidedReason != "" {
					t.Fatalf("re-signed sign-off still voided: %+v", so)
				}
			}
			doc, err := f.svc.TransitionDocument(director, id, hindsight.DocApproved, "")
			ok(t, err)
			if doc.Status != hindsight.DocApproved {
				t.Fatal(doc.Status)
			}
			_, err = f.svc.UpdateNarrative(editor, id, cleanNarrative(), doc.Version)
			wantCode(t, err, hindsight.ECONFLICT, "APPROVED")
		})
	})
}

func TestService_SignOffPolicy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		id := "INCIDENT-20250930-0024-policy"
		f.mustDocumentAt(t, id, hindsight.DocDraft)
		_, err := f.svc.TransitionDocument(editor, id, hindsight.DocUnderReview, "")
		ok(t, err)
		f.svc.Policy = hindsight.SignOffPolicy{
			Signers:                  map[hindsight.SignOffRole][]string{hindsight.RoleTechnicalReview: {"@Tess", "sre-lead@example.com"}},
			Required:                 []hindsight.SignOffRole{hindsight.RoleTechnicalReview, hindsight.RoleFinalApproval},
			AllowAuthorFinalApproval: true,
		}
		_, err = f.svc.SignOff(manager, id, hindsight.RoleTechnicalReview)
		wantCode(t, err, hindsight.EFORBIDDEN, "review.signers.technical_review lists @Tess, sre-lead@example.com")
		_, err = f.svc.SignOff(techLead, id, hindsight.RoleTechnicalReview)
		ok(t, err)
		_, err = f.svc.SignOff(as("parallels", hindsight.RoleApprover), id, hindsight.RoleFinalApproval)
		ok(t, err)
		_, err = f.svc.TransitionDocument(director, id, hindsight.DocApproved, "")
		ok(t, err)
		_, err = f.svc.SignOff(manager, id, hindsight.RoleManagementReview)
		wantCode(t, err, hindsight.ECONFLICT, "already APPROVED")
	})
}
