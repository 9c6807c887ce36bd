package reminder_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// now is the injected clock of every test: Wednesday 8 October 2025, 09:00 UTC.
var now = time.Date(2025, 10, 8, 9, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fixture is the data every scheduler test starts from. Relative to now:
//
//	INC-A  SEV2, resolved 7 days ago, document DRAFT, review date today
//	INC-B  SEV2, resolved 2 days ago, document DRAFT (not yet stale)
//	INC-C  SEV1, open
//	INC-D  SEV3, resolved, document UNDER REVIEW, review date 40 days ago
//	actions of INC-A: overdue (due 3 days ago), due tomorrow, due in 2 days,
//	due in 5 days, done and overdue, in progress due today, no due date
func seed(t testing.TB, s *sqlstore.Store) {
	t.Helper()
	ctx := context.Background()
	resolved7, resolved2 := now.AddDate(0, 0, -7), now.AddDate(0, 0, -2)
	for _, f := range []struct {
		id       string
		sev      hindsight.Severity
		resolved *time.Time
		doc      hindsight.DocumentStatus
		review   time.Time
	}{
		{"INC-A", hindsight.SEV2, &resolved7, hindsight.DocDraft, day(2025, 10, 8)},
		{"INC-B", hindsight.SEV2, &resolved2, hindsight.DocDraft, day(2026, 4, 1)},
		{"INC-C", hindsight.SEV1, nil, "", time.Time{}},
		{"INC-D", hindsight.SEV3, &resolved7, hindsight.DocUnderReview, day(2025, 8, 29)},
	} {
		inc := &hindsight.Incident{ID: f.id, Title: "Title of " + f.id, Severity: f.sev,
			Status: hindsight.IncidentInvestigating, StartedAt: now.AddDate(0, 0, -10)}
		if f.resolved != nil {
			inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, f.resolved
		}
		mustDo(t, s.CreateIncident(ctx, inc))
		if f.doc != "" {
			mustDo(t, s.CreateDocument(ctx, &hindsight.Document{IncidentID: f.id, Status: f.doc, Author: "@bob", NextReviewDate: f.review}))
		}
	}
	for _, a := range []struct {
		title  string
		due    time.Time
		status hindsight.ActionStatus
	}{
		{"overdue", day(2025, 10, 5), hindsight.ActionOpen},
		{"tomorrow", day(2025, 10, 9), hindsight.ActionOpen},
		{"in two days", day(2025, 10, 10), hindsight.ActionOpen},
		{"in five days", day(2025, 10, 13), hindsight.ActionOpen},
		{"done", day(2025, 10, 1), hindsight.ActionDone},
		{"today", day(2025, 10, 8), hindsight.ActionInProgress},
		{"no due date", time.Time{}, hindsight.ActionOpen},
	} {
		mustDo(t, s.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: "INC-A", Title: a.title, Owner: "@alice",
			Horizon: hindsight.HorizonImmediate, DueDate: a.due, Status: a.status}))
	}
}

func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// recorder is a Notifier that records what it delivers and fails its first
// failFirst sends.
type recorder struct {
	mu        sync.Mutex
	failFirst int
	calls     int
	got       []hindsight.Reminder
}

func (r *recorder) Send(_ context.Context, rem hindsight.Reminder) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls <= r.failFirst {
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "receiver down")
	}
	r.got = append(r.got, rem)
	return nil
}

func (r *recorder) delivered() []hindsight.Reminder {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hindsight.Reminder(nil), r.got...)
}

// keys returns "kind subject period" of each reminder.
func keys(rs []hindsight.Reminder) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Kind) + " " + r.Subject + " " + r.Period
	}
	return out
}
