package tracker

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// wantStatus returns the status an item at cur takes from its issue, and
// whether it changes: a closed issue makes the item done (won't do when
// closed as not planned), an open issue reopens a closed item; an open
// item stays as it is (open or in progress) while its issue is open.
func wantStatus(cur hindsight.ActionStatus, is Issue) (hindsight.ActionStatus, bool) {
	switch {
	case is.Closed && is.NotPlanned:
		return hindsight.ActionWontDo, cur != hindsight.ActionWontDo
	case is.Closed:
		return hindsight.ActionDone, cur != hindsight.ActionDone
	case cur.Closed():
		return hindsight.ActionOpen, true
	}
	return cur, false
}

// applyIssue gives action item id the status of its issue, through the
// review workflow, as actor (the tracker's name when empty). A concurrent
// change of the item is read again and the status applied to it.
func (s *Service) applyIssue(ctx context.Context, tracker string, id int64, is Issue, actor string) error {
	if actor == "" {
		actor = tracker
	}
	ctx = hindsight.NewContextWithActor(ctx, actor)
	for try := 0; ; try++ {
		a, err := s.Actions.Action(ctx, id)
		if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
			return nil
		} else if err != nil {
			return fmt.Errorf("trackers: action item %d: %w", id, err)
		}
		want, change := wantStatus(a.Status, is)
		if !change {
			return nil
		}
		p := hindsight.ActionPatch{Status: &want}
		if want == hindsight.ActionWontDo {
			reason := "Closed as not planned in " + tracker + " (" + is.Key + ")"
			p.StatusReason = &reason
		}
		_, err = s.Actions.UpdateAction(ctx, id, p, a.Version)
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT && try < 3 {
			continue
		}
		if err != nil {
			return fmt.Errorf("trackers: action item %d: %w", id, err)
		}
		return nil
	}
}

// HandleWebhook verifies and applies one delivery to tracker name's
// webhook. Errors: ENOTFOUND (no such tracker), EUNAUTHORIZED (bad
// signature or token: nothing is changed), EINVALID (a payload that
// cannot be read), and the store's.
func (s *Service) HandleWebhook(ctx context.Context, name string, h http.Header, body []byte) error {
	r := s.named(name)
	if r == nil {
		return hindsight.Errorf(hindsight.ENOTFOUND, "no tracker named %q is configured", name)
	}
	ev, err := r.Adapter.Webhook(h, body)
	if err != nil || ev == nil {
		return err
	}
	ids, err := s.Store.FindActionsByIssue(ctx, r.Name, ev.Issue.Key)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.applyIssue(ctx, r.Name, id, ev.Issue, ev.Actor); err != nil {
			return err
		}
	}
	return nil
}

// reconcilePage is how many links one read of the store returns.
const reconcilePage = 100

// Reconcile reads the state of every linked issue and applies it, for the
// webhooks a tracker did not deliver. It returns how many items changed
// status; an issue it cannot read is skipped (and counted in the error).
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	changed, failed := 0, 0
	var firstErr error
	for after := int64(0); ; {
		links, err := s.Store.FindLinkedIssues(ctx, after, reconcilePage)
		if err != nil {
			return changed, err
		}
		for _, l := range links {
			after = l.ActionID
			r := s.named(l.Tracker)
			if r == nil {
				continue
			}
			is, err := r.Adapter.Get(ctx, l.IssueKey)
			if err == nil {
				var before *hindsight.ActionItem
				if before, err = s.Actions.Action(ctx, l.ActionID); err == nil {
					if _, change := wantStatus(before.Status, is); change {
						err = s.applyIssue(ctx, r.Name, l.ActionID, is, "")
						changed++
					}
				}
			}
			if err != nil {
				failed++
				if firstErr == nil {
					firstErr = err
				}
			}
		}
		if len(links) < reconcilePage {
			break
		}
	}
	if firstErr != nil {
		return changed, fmt.Errorf("trackers: reconcile: %d issue(s) not read, first: %w", failed, firstErr)
	}
	return changed, nil
}
