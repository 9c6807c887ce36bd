package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
)

// TransitionDocument moves an incident's post-mortem to status to and
// records a status_change timeline event and its history in the same
// transaction. DRAFT → UNDER REVIEW needs a clean lint (else a *LintError);
// UNDER REVIEW → DRAFT needs a reason; UNDER REVIEW → APPROVED needs every
// required sign-off signed and not voided. Errors: EINVALID (unknown status,
// missing reason), ENOTFOUND, ECONFLICT (illegal transition saying why,
// lint findings, missing sign-offs, ARCHIVED and read-only).
func (s *Service) TransitionDocument(ctx context.Context, incidentID string, to hindsight.DocumentStatus, reason string) (*hindsight.Document, error) {
	reason = strings.TrimSpace(reason)
	if !to.Valid() {
		return nil, hindsight.Errorf(hindsight.EINVALID, "unknown document status %q: use DRAFT, UNDER REVIEW, APPROVED or ARCHIVED", to)
	}
	var doc *hindsight.Document
	var findings []Finding
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		pm, err := tx.FindPostmortem(ctx, incidentID)
		if err != nil {
			return err
		}
		if pm.Document.Version == 0 {
			return noDocument(incidentID)
		}
		from := pm.Document.Status
		if err := from.CanTransition(to); err != nil {
			return err
		}
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
		case hindsight.DocApproved:
			if err := s.approvable(pm); err != nil {
				return err
			}
		}
		d := pm.Document
		d.Status = to
		if err := tx.UpdateDocument(ctx, &d, pm.Document.Version); err != nil {
			return err
		}
		doc = &d
		return tx.AddTimelineEvent(ctx, statusEvent(ctx, incidentID, "Post-mortem status", string(from), string(to), reason, s.now()))
	})
	if len(findings) > 0 {
		return nil, newLintError(incidentID, findings)
	}
	return doc, err
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
		if err := writable(ctx, tx, incidentID); err != nil {
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
