package review

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// CreateAction stores a new corrective action on an incident. A missing
// horizon is immediate; a missing due date is the horizon's default from
// the incident's start (+1 week, +1 month, +1 quarter), as a calendar date;
// a missing status is open; done sets CompletedAt. Errors: EINVALID,
// ENOTFOUND, ECONFLICT (ARCHIVED post-mortem).
func (s *Service) CreateAction(ctx context.Context, incidentID string, a *hindsight.ActionItem) error {
	if err := checkTracker(a.TrackerURL); err != nil {
		return err
	}
	return s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		inc, err := tx.FindIncidentByID(ctx, incidentID)
		if err != nil {
			return err
		}
		if err := writable(ctx, tx, incidentID, "its list of corrective actions is read-only"); err != nil {
			return err
		}
		a.IncidentID = incidentID
		if a.Horizon == "" {
			a.Horizon = hindsight.HorizonImmediate
		}
		if a.DueDate.IsZero() && a.Horizon.Valid() {
			a.DueDate = a.Horizon.DueDate(inc.StartedAt)
		}
		a.DueDate = dateOnly(a.DueDate)
		if a.Status == "" {
			a.Status = hindsight.ActionOpen
		}
		a.CompletedAt = nil
		if a.Status == hindsight.ActionDone {
			now := s.now()
			a.CompletedAt = &now
		}
		if err := tx.CreateActionItem(ctx, a); err != nil {
			return err
		}
		return queueAssignment(ctx, tx, a)
	})
}

// UpdateAction applies p to action item id, provided it is still at
// expectedVersion. Moving to done sets CompletedAt, leaving done clears it;
// wont_do needs a status_reason, and leaving wont_do drops the old reason
// unless a new one is given. Once the post-mortem is APPROVED or ARCHIVED
// only the follow-up fields (status, its reason, tracker link,
// verification) may change. Errors: EINVALID, ENOTFOUND, ECONFLICT (stale
// version naming who changed what since; a content field of a closed
// post-mortem's action).
func (s *Service) UpdateAction(ctx context.Context, id int64, p hindsight.ActionPatch, expectedVersion int) (*hindsight.ActionItem, error) {
	if p.TrackerURL != nil {
		if err := checkTracker(*p.TrackerURL); err != nil {
			return nil, err
		}
	}
	var out *hindsight.ActionItem
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		a, err := tx.FindActionItemByID(ctx, id)
		if err != nil {
			return err
		}
		if err := followUpOnly(ctx, tx, a, p); err != nil {
			return err
		}
		owner := a.Owner
		s.apply(a, p)
		if err := tx.UpdateActionItem(ctx, a, expectedVersion); err != nil {
			return err
		}
		out = a
		if hindsight.SamePerson(owner, a.Owner) {
			return nil
		}
		return queueAssignment(ctx, tx, a)
	})
	return out, err
}

// apply copies the patch onto a and keeps the status's dependent fields right.
func (s *Service) apply(a *hindsight.ActionItem, p hindsight.ActionPatch) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&a.Title, p.Title)
	set(&a.Owner, p.Owner)
	set(&a.Verification, p.Verification)
	set(&a.TrackerURL, p.TrackerURL)
	if p.Horizon != nil {
		a.Horizon = *p.Horizon
	}
	if p.DueDate != nil {
		a.DueDate = dateOnly(*p.DueDate)
	}
	if p.Status != nil && *p.Status != a.Status {
		if a.Status == hindsight.ActionWontDo {
			a.StatusReason = ""
		}
		a.Status = *p.Status
		a.CompletedAt = nil
		if a.Status == hindsight.ActionDone {
			now := s.now()
			a.CompletedAt = &now
		}
	}
	set(&a.StatusReason, p.StatusReason)
}

// ListActions returns one page of action items and the total that match:
// overdue items first, then by due date. Errors: EINVALID.
func (s *Service) ListActions(ctx context.Context, q hindsight.ActionQuery) ([]*hindsight.ActionItem, int, error) {
	now := s.now()
	f := hindsight.ActionFilter{IncidentID: q.IncidentID, Owner: q.Owner, Status: q.Status, Page: q.Page}
	if q.Overdue {
		f.OverdueAt = now
		return s.Store.FindActionItems(ctx, f)
	}
	// Overdue first means an order the store does not keep: read every
	// match (action items number in the thousands at most) and page here.
	var all []*hindsight.ActionItem
	for {
		f.Page = hindsight.Page{Offset: len(all), Limit: hindsight.MaxPageLimit}
		items, total, err := s.Store.FindActionItems(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, items...)
		if len(items) == 0 || len(all) >= total {
			break
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Overdue(now) && !all[j].Overdue(now) })
	p := q.Page.Normalize()
	lo, hi := min(p.Offset, len(all)), min(p.Offset+p.Limit, len(all))
	return all[lo:hi], len(all), nil
}

// dateOnly returns midnight UTC of t's UTC date, the zero time kept zero.
func dateOnly(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkTracker accepts "" or an absolute http(s) URL.
func checkTracker(u string) error {
	if u = strings.TrimSpace(u); u == "" {
		return nil
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		var v hindsight.Validation
		v.Add("tracker_url", "must be an absolute http or https URL, such as https://jira.example.com/browse/OPS-1")
		return v.Err("action item")
	}
	return nil
}

// followUpOnly refuses a patch that changes an action's content (title,
// owner, horizon, due date) once its post-mortem is APPROVED or ARCHIVED:
// what was approved stays as approved; status, tracker link and
// verification are the follow-up and stay editable.
func followUpOnly(ctx context.Context, tx hindsight.Services, a *hindsight.ActionItem, p hindsight.ActionPatch) error {
	doc, err := tx.FindDocument(ctx, a.IncidentID)
	if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
		return nil
	} else if err != nil || !doc.Closed() {
		return err
	}
	var changed []string
	if p.Title != nil && strings.TrimSpace(*p.Title) != a.Title {
		changed = append(changed, "title")
	}
	if p.Owner != nil && strings.TrimSpace(*p.Owner) != a.Owner {
		changed = append(changed, "owner")
	}
	if p.Horizon != nil && *p.Horizon != a.Horizon {
		changed = append(changed, "horizon")
	}
	if p.DueDate != nil && !dateOnly(*p.DueDate).Equal(a.DueDate) {
		changed = append(changed, "due_date")
	}
	if len(changed) == 0 {
		return nil
	}
	return doc.ClosedError("an action's " + strings.Join(changed, ", ") + " cannot change (status, tracker_url and verification can)")
}
