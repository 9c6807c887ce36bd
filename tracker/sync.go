package tracker

import (
	"context"
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// Sync runs one pass of the outbox: it claims due items and creates,
// links or updates each one's issue. It returns how many it settled
// (synced, failed for good, or not for any tracker).
func (s *Service) Sync(ctx context.Context) (int, error) {
	jobs, err := s.Store.ClaimTrackerJobs(ctx, s.Instance, Batch, Lease)
	if err != nil {
		return 0, fmt.Errorf("trackers: claim: %w", err)
	}
	done := 0
	var firstErr error
	for _, j := range jobs {
		o, linked := s.attempt(ctx, j)
		if err := s.Store.FinishTrackerJob(ctx, s.Instance, o); err != nil {
			if hindsight.ErrorCode(err) != hindsight.ENOTFOUND && firstErr == nil {
				firstErr = fmt.Errorf("trackers: action item %d: %w", j.Action.ID, err)
			}
			continue
		}
		if o.Err == "" {
			done++
		} else {
			s.log().Warn("tracker sync failed", "action", j.Action.ID, "tracker", o.Tracker, "error", o.Err, "permanent", o.Permanent)
		}
		if linked != nil {
			if err := s.applyIssue(ctx, o.Tracker, j.Action.ID, *linked, ""); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	return done, firstErr
}

// attempt sends one item to its tracker. It returns the outcome and, when
// it linked an existing issue, that issue (whose state the item takes).
func (s *Service) attempt(ctx context.Context, j *hindsight.TrackerJob) (hindsight.TrackerOutcome, *Issue) {
	o := hindsight.TrackerOutcome{ActionID: j.Action.ID, Generation: j.Generation}
	person := s.owner(ctx, j.Action.Owner)
	team := ""
	if person != nil {
		team = person.Team
	}
	r := s.named(j.Link.Tracker)
	if r == nil || j.Link.IssueKey == "" {
		r = s.route(j.Services, team)
	}
	if r == nil {
		o.None = true
		return o, nil
	}
	o.Tracker = r.Name
	a := &j.Action
	d := s.draft(a)
	if r.Assign && person != nil {
		d.Assignee = person.Handle
	}
	var err error
	var linked *Issue
	switch {
	case a.TrackerURL != "" && a.TrackerURL != j.Link.IssueURL:
		// A link typed in Hindsight: take that issue instead of creating one.
		key, ok := r.Adapter.ParseURL(a.TrackerURL)
		if !ok {
			o.None, o.Tracker = true, ""
			return o, nil
		}
		var is Issue
		if is, err = r.Adapter.Get(ctx, key); err == nil {
			o.IssueKey, o.IssueURL, linked = is.Key, is.URL, &is
		}
	case j.Link.IssueKey != "":
		err = r.Adapter.Update(ctx, j.Link.IssueKey, d)
	default:
		var is Issue
		if is, err = r.Adapter.Create(ctx, d); err == nil {
			o.IssueKey, o.IssueURL = is.Key, is.URL
		}
	}
	if err != nil {
		o.Err = err.Error()
		o.Permanent = !isTransient(err)
		o.RetryAt = s.now().Add(Backoff(j.Link.Attempts + 1))
	}
	return o, linked
}

// draft is what an item's issue shows: its title, and a body that links
// the post-mortem and gives owner, due date and verification.
func (s *Service) draft(a *hindsight.ActionItem) Draft {
	var b strings.Builder
	link := a.IncidentID
	if s.BaseURL != "" {
		link = "[" + a.IncidentID + "](" + strings.TrimSuffix(s.BaseURL, "/") + "/incidents/" + a.IncidentID + ")"
	}
	fmt.Fprintf(&b, "Corrective action from the post-mortem of %s.\n\n", link)
	if a.Owner != "" {
		fmt.Fprintf(&b, "- **Owner:** %s\n", a.Owner)
	}
	if !a.DueDate.IsZero() {
		fmt.Fprintf(&b, "- **Due:** %s\n", a.DueDate.Format("2006-01-02"))
	}
	fmt.Fprintf(&b, "- **Horizon:** %s\n", a.Horizon)
	if a.Verification != "" {
		fmt.Fprintf(&b, "- **Verification:** %s\n", a.Verification)
	}
	b.WriteString("\nClosing this issue marks the action done in Hindsight (closed as not planned: won't do); " +
		"its title, owner and due date are kept in Hindsight.\n")
	fmt.Fprintf(&b, "\n<!-- hindsight action %d -->\n", a.ID)
	return Draft{Title: a.Title, Body: b.String(), Due: a.DueDate}
}
