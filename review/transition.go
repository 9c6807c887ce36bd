package review

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
)

// TransitionDocument moves an incident's post-mortem to status to, as the
// context's identity, and records the change in history (review
// bookkeeping stays out of the incident's own timeline). The caller needs
// the role DocumentStatus.TransitionRole names (approver to approve,
// archive, or reopen an approved record). DRAFT → UNDER REVIEW needs a
// clean lint (else a *LintError); back to DRAFT needs a reason; UNDER
// REVIEW → APPROVED needs every required sign-off signed, not voided, by
// different people (unless the policy allows otherwise) and keeps the
// Markdown as approved; APPROVED → DRAFT voids every sign-off. Errors:
// EUNAUTHORIZED, EFORBIDDEN, EINVALID (unknown status, missing reason),
// ENOTFOUND, ECONFLICT (illegal transition saying why, lint findings,
// missing sign-offs, ARCHIVED and read-only).
//
// Going back to DRAFT records the reason as a "request changes" comment
// (hindsight.CommentRequestChanges) by the caller, in the same transaction.
func (s *Service) TransitionDocument(ctx context.Context, incidentID string, to hindsight.DocumentStatus, reason string) (*hindsight.Document, error) {
	doc, _, err := s.transitionDocument(ctx, incidentID, to, &hindsight.Comment{Body: reason})
	return doc, err
}

// transitionDocument is TransitionDocument with the request-changes
// comment to record on the way back to DRAFT (its Body is the reason; its
// Section and ParentID are kept); it returns that comment, stored, when it
// recorded one.
func (s *Service) transitionDocument(ctx context.Context, incidentID string, to hindsight.DocumentStatus, rc *hindsight.Comment) (*hindsight.Document, *hindsight.Comment, error) {
	reason := strings.TrimSpace(rc.Body)
	if !to.Valid() {
		return nil, nil, hindsight.Errorf(hindsight.EINVALID, "unknown document status %q: use DRAFT, UNDER REVIEW, APPROVED or ARCHIVED", to)
	}
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, nil, err
	}
	var doc *hindsight.Document
	var comment *hindsight.Comment
	var findings []hindsight.Finding
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		pm, err := tx.FindPostmortem(ctx, incidentID)
		if err != nil {
			return err
		}
		if pm.Document.Version == 0 {
			return noDocument(incidentID)
		}
		from := pm.Document.Status
		if need := from.TransitionRole(to); !id.Role.Allows(need) {
			return hindsight.Errorf(hindsight.EFORBIDDEN, "%s has role %s; moving a post-mortem from %s to %s needs %s or above", id.Name, id.Role, from, to, need)
		}
		if err := from.CanTransition(to); err != nil {
			return err
		}
		d := pm.Document
		d.Status = to
		switch to {
		case hindsight.DocUnderReview:
			if findings, err = s.lint(ctx, *pm); err == nil {
				findings = lint.Errors(findings) // warnings do not stop a review
			}
			if err != nil || len(findings) > 0 {
				return errOrConflict(err)
			}
		case hindsight.DocDraft:
			if reason == "" {
				return hindsight.Errorf(hindsight.EINVALID, "a reason is required to send the post-mortem of %s back to DRAFT", incidentID)
			}
			if from == hindsight.DocApproved {
				d.ApprovedAt, d.ApprovedMarkdown = nil, ""
				if _, err := s.voidSignOffs(ctx, tx, incidentID, "sent back to DRAFT after approval: "+reason); err != nil {
					return err
				}
			}
		case hindsight.DocApproved:
			if err := s.approvable(pm); err != nil {
				return err
			}
			if err := s.keepApproved(ctx, pm, &d); err != nil {
				return err
			}
		}
		if err := tx.UpdateDocument(ctx, &d, pm.Document.Version); err != nil {
			return err
		}
		doc = &d
		switch to {
		case hindsight.DocDraft:
			comment, err = requestChanges(ctx, tx, incidentID, id, reason, rc)
		case hindsight.DocUnderReview:
			err = s.queueReviewRequests(ctx, tx, incidentID)
		}
		return err
	})
	if len(findings) > 0 {
		return nil, nil, newLintError(incidentID, findings)
	}
	if err != nil {
		return nil, nil, err
	}
	return doc, comment, nil
}

// keepApproved renders the post-mortem as it is approved into d: the
// record that GET …/postmortem.md serves from now on, byte for byte.
func (s *Service) keepApproved(ctx context.Context, pm *hindsight.Postmortem, d *hindsight.Document) error {
	now := s.now()
	d.ApprovedAt = &now
	view := *pm
	view.Document = *d
	var buf bytes.Buffer
	var err error
	if s.Export != nil {
		err = s.Export(ctx, view, &buf)
	} else {
		err = s.render(&buf, view)
	}
	if err != nil {
		return err
	}
	d.ApprovedMarkdown = buf.String()
	return nil
}

// errLintFindings stands for "lint found something": the transaction rolls
// back and TransitionDocument answers with the findings.
var errLintFindings = hindsight.Errorf(hindsight.ECONFLICT, "lint findings")

func errOrConflict(err error) error {
	if err != nil {
		return err
	}
	return errLintFindings
}

// approvable returns nil when every required sign-off is signed and not
// voided, else an ECONFLICT error listing what is missing.
func (s *Service) approvable(pm *hindsight.Postmortem) error {
	byRole := map[hindsight.SignOffRole]hindsight.SignOff{}
	for _, so := range pm.SignOffs {
		byRole[so.Role] = so
	}
	var missing []string
	for _, role := range s.Policy.RequiredRoles() {
		so, ok := byRole[role]
		switch {
		case !ok || so.SignedAt == nil:
			missing = append(missing, role.Label()+" (not signed)")
		case so.VoidedAt != nil:
			missing = append(missing, fmt.Sprintf("%s (voided: %s)", role.Label(), so.VoidedReason))
		}
	}
	if len(missing) > 0 {
		return hindsight.Errorf(hindsight.ECONFLICT, "the post-mortem of %s cannot be APPROVED yet: it needs the sign-offs of %s",
			pm.Incident.ID, strings.Join(missing, ", "))
	}
	if err := s.Policy.CheckApproval(pm.Document.Author, pm.SignOffs); err != nil {
		return hindsight.Errorf(hindsight.EFORBIDDEN, "the post-mortem of %s cannot be APPROVED: %s", pm.Incident.ID, hindsight.ErrorMessage(err))
	}
	return nil
}

// TransitionIncident moves an incident to status to: forward through
// MITIGATED to RESOLVED (which sets ResolvedAt), or back to UNDER
// INVESTIGATION to reopen it (which clears ResolvedAt). It records a
// status_change timeline event and history in one transaction. Errors:
// EINVALID, ENOTFOUND, ECONFLICT (illegal transition saying why, its
// post-mortem ARCHIVED and read-only).
func (s *Service) TransitionIncident(ctx context.Context, incidentID string, to hindsight.IncidentStatus, reason string) (*hindsight.Incident, error) {
	reason = strings.TrimSpace(reason)
	var out *hindsight.Incident
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		inc, err := tx.FindIncidentByID(ctx, incidentID)
		if err != nil {
			return err
		}
		if err := writable(ctx, tx, incidentID, "the incident's status is part of the record"); err != nil {
			return err
		}
		from := inc.Status
		if err := from.CanTransition(to); err != nil {
			return err
		}
		now := s.now()
		inc.Status = to
		if to == hindsight.IncidentResolved {
			inc.ResolvedAt = &now
		} else {
			inc.ResolvedAt = nil
		}
		if err := tx.UpdateIncident(ctx, inc, inc.Version); err != nil {
			return err
		}
		out = inc
		return tx.AddTimelineEvent(ctx, statusEvent(ctx, incidentID, "Incident status", string(from), string(to), reason, now))
	})
	return out, err
}
