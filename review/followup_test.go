package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// related describes one incident of the follow-up fixture.
type related struct {
	id, alert, summary string
	services           []string
	start              time.Time
	detect, resolve    time.Duration // 0 detect: no issue_started event
}

// mustRelated stores a resolved incident with its detection events.
func (f *fixture) mustRelated(t *testing.T, r related) {
	t.Helper()
	f.mustIncident(t, r.id, func(inc *hindsight.Incident) {
		inc.Title, inc.AlertName, inc.Summary, inc.Services, inc.StartedAt = r.alert, r.alert, r.summary, r.services, r.start
		end := r.start.Add(r.resolve)
		inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &end
	})
	ctx := context.Background()
	if r.detect > 0 {
		ok(t, f.store.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: r.id, Time: r.start.Add(-r.detect), Type: hindsight.EventIssueStarted, Event: "Issue started"}))
	}
	ok(t, f.store.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: r.id, Time: r.start, Type: hindsight.EventAlertFired, Event: "Initial trigger"}))
}

func at(d int, h, m int) time.Time { return time.Date(2025, 10, d, h, m, 0, 0, time.UTC) }

func TestService_ComputeFollowUp(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		api := []string{"api"}
		main := "INCIDENT-20250930-0024-highapierrorrate"
		fixtures := []related{
			// The followed incident: detected in 10 minutes, resolved in 60.
			{main, "HighAPIErrorRate", "API 5xx error rate exceeded threshold", api, incidentStart, 10 * time.Minute, time.Hour},
			// Same alert name: 6 and 45 minutes.
			{"INCIDENT-20251005-1000-highapierrorrate", "HighAPIErrorRate", "Errors again", []string{"web"}, at(5, 10, 0), 6 * time.Minute, 45 * time.Minute},
			// Same service and symptom ("api 5xx error"): 2 and 105 minutes.
			{"INCIDENT-20251010-1200-apierrorbudgetburn", "APIErrorBudgetBurn", "API 5xx error spike on checkout", api, at(10, 12, 0), 2 * time.Minute, 105 * time.Minute},
			// Same symptom on another service, and an unrelated alert: not similar.
			{"INCIDENT-20251012-0800-weberrors", "WebErrors", "API 5xx error seen by the web tier", []string{"web"}, at(12, 8, 0), time.Minute, time.Minute},
			{"INCIDENT-20251014-0300-diskfull", "DiskFull", "Disk almost full", []string{"db"}, at(14, 3, 0), time.Minute, time.Minute},
			// Same alert name, but before the resolution and after 30 days.
			{"INCIDENT-20250930-0100-highapierrorrate", "HighAPIErrorRate", "", api, incidentStart.Add(36 * time.Minute), time.Minute, time.Hour},
			{"INCIDENT-20251115-0000-highapierrorrate", "HighAPIErrorRate", "", api, time.Date(2025, 11, 15, 0, 0, 0, 0, time.UTC), time.Minute, time.Minute},
		}
		for _, r := range fixtures {
			f.mustRelated(t, r)
		}
		for _, st := range []hindsight.ActionStatus{hindsight.ActionDone, hindsight.ActionDone, hindsight.ActionOpen, hindsight.ActionWontDo} {
			a := &hindsight.ActionItem{Title: "Action", Status: st, StatusReason: "not needed"}
			if st != hindsight.ActionWontDo {
				a.StatusReason = ""
			}
			ok(t, f.svc.CreateAction(editor, main, a))
		}
		f.clock.Set(time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))

		t.Run("ErrNotResolved", func(t *testing.T) {
			f.mustIncident(t, "INCIDENT-20251101-0000-open", nil)
			_, err := f.svc.ComputeFollowUp(ctx, "INCIDENT-20251101-0000-open")
			wantCode(t, err, hindsight.ECONFLICT, "resolve it first")
		})
		fu, err := f.svc.ComputeFollowUp(ctx, main)
		ok(t, err)
		if len(fu.Similar) != 2 || fu.Similar[0].Match != hindsight.MatchAlertName || fu.Similar[1].Match != hindsight.MatchServiceSymptom {
			t.Fatalf("similar %+v", fu.Similar)
		}
		// Detection: mean (6+2)/2 = 4 minutes against 10: improved by 60%.
		// Recovery: mean (45+105)/2 = 75 minutes against 60: worse by 25%.
		// Actions: 2 done of 3 counted (won't do left out): 66.7%.
		if !eq(fu.DetectionImprovement, 60) || !eq(fu.RecoveryImprovement, -25) || !eq(fu.CompletionRate, 66.7) || fu.ActionsDone != 2 || fu.ActionsCounted != 3 {
			t.Fatalf("follow-up %+v: detect %v recover %v rate %v", fu, p(fu.DetectionImprovement), p(fu.RecoveryImprovement), p(fu.CompletionRate))
		}
		if !fu.Until.Equal(incidentStart.Add(time.Hour + hindsight.FollowUpWindow)) {
			t.Fatalf("window ends %s", fu.Until)
		}
		pm, err := f.store.FindPostmortem(ctx, main)
		ok(t, err)
		if pm.FollowUp == nil || !eq(pm.FollowUp.RecoveryImprovement, -25) {
			t.Fatalf("stored follow-up %+v", pm.FollowUp)
		}

		// The daily pass computes every other incident resolved by
		// 2025-10-21 (all but the one of 2025-11-15 and the open one), once.
		n, err := f.svc.RunDueFollowUps(ctx)
		ok(t, err)
		if n != 5 {
			t.Fatalf("daily pass computed %d follow-ups, want 5", n)
		}
		if n, err = f.svc.RunDueFollowUps(ctx); err != nil || n != 0 {
			t.Fatalf("second pass computed %d (%v), want 0", n, err)
		}
	})
}

func eq(v *float64, want float64) bool { return v != nil && *v == want }

func p(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
