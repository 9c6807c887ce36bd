package reminder

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// ReviewLookback bounds how far back a reached review date is still
// reminded of: an instance that was down when the date came reminds of it
// on its next pass, but a date long past is not dug up every pass.
const ReviewLookback = 30 * 24 * time.Hour

// actionPage is how many action items one query reads.
const actionPage = 500

// ActionReminder returns the reminder kind and period an action item calls
// for at now, and false when it needs none. An open item past its due date
// is overdue, reminded once a day; one due within dueSoonDays calendar days
// (today included) is due soon, reminded once per due date.
func ActionReminder(a *hindsight.ActionItem, now time.Time, dueSoonDays int) (hindsight.ReminderKind, string, bool) {
	if a.Status.Closed() || a.DueDate.IsZero() {
		return "", "", false
	}
	if a.Overdue(now) {
		return hindsight.ReminderActionOverdue, hindsight.DayPeriod(now), true
	}
	today := now.UTC().Truncate(24 * time.Hour)
	if a.DueDate.Before(today.AddDate(0, 0, dueSoonDays+1)) {
		return hindsight.ReminderActionDueSoon, hindsight.DayPeriod(a.DueDate), true
	}
	return "", "", false
}

// Due returns every reminder due at now, before any claim: action items due
// soon or overdue, post-mortems still DRAFT ReviewDueDays after resolution,
// and post-mortems whose Next Review Date has come.
func (s *Scheduler) Due(ctx context.Context, now time.Time) ([]hindsight.Reminder, error) {
	out, err := s.actionReminders(ctx, now)
	if err != nil {
		return nil, err
	}
	drafts, err := s.Store.FindStaleDrafts(ctx, now.AddDate(0, 0, -s.reviewDueDays()))
	if err != nil {
		return nil, fmt.Errorf("find drafts not submitted for review: %w", err)
	}
	for _, d := range drafts {
		out = append(out, s.draftReminder(d, now))
	}
	reviews, err := s.Store.FindReviewsDue(ctx, now.Add(-ReviewLookback), now)
	if err != nil {
		return nil, fmt.Errorf("find reached review dates: %w", err)
	}
	for _, r := range reviews {
		out = append(out, s.reviewReminder(r))
	}
	events, err := s.eventReminders(ctx, now)
	return append(out, events...), err
}

// actionReminders walks the open action items in due-date order and stops
// at the first one due beyond the due-soon horizon.
func (s *Scheduler) actionReminders(ctx context.Context, now time.Time) ([]hindsight.Reminder, error) {
	var out []hindsight.Reminder
	horizon := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, s.dueSoonDays()+1)
	for _, st := range []hindsight.ActionStatus{hindsight.ActionOpen, hindsight.ActionInProgress} {
		for offset := 0; ; offset += actionPage {
			items, _, err := s.Store.FindActionItems(ctx, hindsight.ActionFilter{Status: st,
				Page: hindsight.Page{Offset: offset, Limit: actionPage}})
			if err != nil {
				return nil, fmt.Errorf("find action items: %w", err)
			}
			beyond := false
			for _, a := range items {
				if !a.DueDate.IsZero() && !a.DueDate.Before(horizon) {
					beyond = true
					break
				}
				if kind, period, ok := ActionReminder(a, now, s.dueSoonDays()); ok {
					out = append(out, s.actionReminder(a, kind, period, now))
				}
			}
			if beyond || len(items) < actionPage {
				break
			}
		}
	}
	return out, nil
}

func (s *Scheduler) actionReminder(a *hindsight.ActionItem, kind hindsight.ReminderKind, period string, now time.Time) hindsight.Reminder {
	due := a.DueDate.Format(time.DateOnly)
	title := "Action item due " + due + ": " + a.Title
	if kind == hindsight.ReminderActionOverdue {
		days := int(now.Sub(a.DueDate).Hours() / 24)
		title = fmt.Sprintf("Action item overdue by %s: %s", plural(days, "day"), a.Title)
	}
	lines := []string{"Owner: " + orNone(a.Owner), "Due: " + due, "Status: " + a.Status.Label(), "Incident: " + a.IncidentID}
	if a.TrackerURL != "" {
		lines = append(lines, "Tracker: "+a.TrackerURL)
	}
	return hindsight.Reminder{Kind: kind, Subject: fmt.Sprint(a.ID), Period: period, IncidentID: a.IncidentID,
		Title: title, Lines: lines, Owner: a.Owner, URL: s.incidentURL(a.IncidentID)}
}

func (s *Scheduler) draftReminder(rs *hindsight.ReviewSubject, now time.Time) hindsight.Reminder {
	inc := rs.Incident
	days := 0
	if inc.ResolvedAt != nil {
		days = int(now.Sub(*inc.ResolvedAt).Hours() / 24)
	}
	return hindsight.Reminder{
		Kind: hindsight.ReminderReviewNotSubmitted, Subject: inc.ID, Period: hindsight.WeekPeriod(now),
		IncidentID: inc.ID, Owner: rs.Document.Author,
		Title: fmt.Sprintf("Post-mortem still a DRAFT %s after resolution: %s", plural(days, "day"), inc.Title),
		Lines: []string{"Incident: " + inc.ID, "Severity: " + string(inc.Severity),
			"Author: " + orNone(rs.Document.Author), "Next step: complete it and submit it for review"},
		URL: s.incidentURL(inc.ID),
	}
}

func (s *Scheduler) reviewReminder(rs *hindsight.ReviewSubject) hindsight.Reminder {
	inc, doc := rs.Incident, rs.Document
	date := doc.NextReviewDate.Format(time.DateOnly)
	return hindsight.Reminder{
		Kind: hindsight.ReminderReviewDateReached, Subject: inc.ID, Period: hindsight.DayPeriod(doc.NextReviewDate),
		IncidentID: inc.ID, Owner: doc.Author,
		Title: "Post-mortem review date reached (" + date + "): " + inc.Title,
		Lines: []string{"Incident: " + inc.ID, "Status: " + string(doc.Status), "Author: " + orNone(doc.Author),
			"Next step: check that its action items held and the lessons still apply"},
		URL: s.incidentURL(inc.ID),
	}
}

// incidentURL links to the incident in the web UI, "" without a base URL.
func (s *Scheduler) incidentURL(id string) string {
	if s.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(s.BaseURL, "/") + "/incidents/" + url.PathEscape(id)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
