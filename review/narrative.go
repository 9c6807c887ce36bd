package review

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// UpdateNarrative replaces the narrative of an incident's post-mortem,
// provided the document is still at expectedVersion. A change voids every
// sign-off given so far, with the reason "narrative changed after sign-off:
// <fields>". Errors: ENOTFOUND, ECONFLICT (stale version naming who changed
// what since; APPROVED or ARCHIVED document).
func (s *Service) UpdateNarrative(ctx context.Context, incidentID string, n hindsight.Narrative, expectedVersion int) (*hindsight.NarrativeUpdate, error) {
	out := &hindsight.NarrativeUpdate{Changed: []string{}, Voided: []*hindsight.SignOff{}}
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		doc, err := tx.FindDocument(ctx, incidentID)
		if err != nil {
			return err
		}
		if doc.Version == expectedVersion {
			if err := archivedError(doc); err != nil {
				return err
			}
			if doc.Status == hindsight.DocApproved {
				return doc.ClosedError("its narrative is read-only")
			}
		}
		out.Changed = changedFields(doc.Narrative, n)
		doc.Narrative = n
		if err := tx.UpdateDocument(ctx, doc, expectedVersion); err != nil {
			return err
		}
		out.Document = doc
		if len(out.Changed) == 0 {
			return nil
		}
		out.Voided, err = s.voidSignOffs(ctx, tx, incidentID, "narrative changed after sign-off: "+strings.Join(out.Changed, ", "))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// voidSignOffs voids every signed, not yet voided sign-off of an incident,
// giving reason.
func (s *Service) voidSignOffs(ctx context.Context, tx hindsight.Services, incidentID, reason string) ([]*hindsight.SignOff, error) {
	signOffs, err := tx.FindSignOffs(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	voided := []*hindsight.SignOff{}
	now := s.now()
	for _, so := range signOffs {
		if so.SignedAt == nil || so.VoidedAt != nil {
			continue
		}
		so.VoidedAt = &now
		so.VoidedReason = reason
		if err := tx.UpdateSignOff(ctx, so); err != nil {
			return nil, err
		}
		voided = append(voided, so)
	}
	return voided, nil
}

// changedFields returns the JSON names of the narrative fields that differ
// between a and b, sorted.
func changedFields(a, b hindsight.Narrative) []string {
	am, bm := fieldMap(a), fieldMap(b)
	out := []string{}
	for k, v := range am {
		if string(bm[k]) != string(v) {
			out = append(out, k)
		}
	}
	for k := range bm {
		if _, ok := am[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func fieldMap(n hindsight.Narrative) map[string]json.RawMessage {
	b, _ := json.Marshal(n)
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &m)
	return m
}

// DismissPlaceholder removes one of the template's placeholder rows (a
// timeline or corrective-action row that does not apply to this incident,
// such as "Escalation | Manager | [If needed]") from the post-mortem, so that
// it can pass lint without inventing events. key is a row's Key in the
// document view ("timeline/investigation/3"). It is a narrative change:
// it voids sign-offs like any other. Errors: EINVALID (unknown key),
// ENOTFOUND, ECONFLICT (stale version; APPROVED or ARCHIVED document).
func (s *Service) DismissPlaceholder(ctx context.Context, incidentID, key string, expectedVersion int) (*hindsight.NarrativeUpdate, error) {
	if !postmortem.ValidPlaceholderKey(key) {
		return nil, hindsight.Errorf(hindsight.EINVALID, "unknown placeholder row %q: use a key such as timeline/investigation/3 or actions/long/0", key)
	}
	doc, err := s.Store.FindDocument(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	n := doc.Narrative
	if slices.Contains(n.Dismissed, key) {
		return &hindsight.NarrativeUpdate{Document: doc, Changed: []string{}, Voided: []*hindsight.SignOff{}}, nil
	}
	n.Dismissed = append(slices.Clone(n.Dismissed), key)
	return s.UpdateNarrative(ctx, incidentID, n, expectedVersion)
}
