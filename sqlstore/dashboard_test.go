package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// dashboardFixture seeds a small store with issue_started events and
// stored impacts, so that every figure of the dashboard is measured.
func dashboardFixture(t *testing.T) (*sqlstore.Store, time.Time, time.Time) {
	t.Helper()
	ctx := context.Background()
	s := teststore.SQLite(t)
	if err := s.Seed(ctx, sqlstore.SeedOptions{Incidents: 400, Events: 4000, Actions: 1200, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	ids, err := s.SampleIncidentIDs(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		pm, err := s.FindPostmortem(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		at := pm.Incident.StartedAt.Add(-time.Duration(i%7) * time.Minute)
		if err := s.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: id, Time: at, Type: hindsight.EventIssueStarted, Event: "Issue"}); err != nil {
			t.Fatal(err)
		}
		imp := hindsight.Impact{BudgetConsumed: hindsight.Figure{Value: float64(i) / 3, Unit: hindsight.UnitPercent, Measured: true}}
		if i%3 == 0 {
			// A measured impact start: Time to Detect starts there, in
			// the dashboard as in the document.
			imp.ImpactStart = hindsight.Figure{Unit: hindsight.UnitTime, Measured: true,
				At: pm.Incident.StartedAt.Add(-time.Duration(i%5+2) * time.Minute)}
		}
		if i%2 == 0 {
			imp.ErrorBudgetConsumed = hindsight.Figure{Value: float64(i) * 1.5, Unit: hindsight.UnitPercent, Measured: true}
		}
		if err := s.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: id, Impact: imp}); err != nil {
			t.Fatal(err)
		}
	}
	// The window covers the later part of the seeded incidents, so that
	// some fall before it.
	page, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Page: hindsight.Page{Limit: 1}})
	if err != nil || len(page) == 0 {
		t.Fatal(err, len(page))
	}
	last := page[0].StartedAt.UTC()
	to := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	return s, to.AddDate(0, -14, 0), to
}

// TestFindDashboardStats_MatchesTimelines checks the SQL aggregation
// against the response times computed in Go from each whole timeline.
func TestFindDashboardStats_MatchesTimelines(t *testing.T) {
	ctx := context.Background()
	s, from, to := dashboardFixture(t)
	st, err := s.FindDashboardStats(ctx, from, to, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := referenceMedians(t, s, from, to, 7*24*time.Hour, st.Months)
	if st.Incidents != want.incidents {
		t.Fatalf("incidents = %d, want %d", st.Incidents, want.incidents)
	}
	for k, got := range [][][]hindsight.Median{st.Detect, st.Acknowledge, st.Resolve} {
		for m := range got {
			for sv := range got[m] {
				w := want.samples[k][m][sv]
				if got[m][sv].N != len(w) || !sameFloat(got[m][sv].Minutes, medianOf(w)) {
					t.Errorf("metric %d month %s %s = %+v, want %d samples, median %v", k, st.Months[m], hindsight.Severities[sv], got[m][sv], len(w), medianOf(w))
				}
			}
		}
	}
	if n := measured(st.Detect); n == 0 {
		t.Error("no time to detect measured; the fixture should have some")
	}
	budgets := 0
	for _, b := range st.Budget {
		budgets += b.N
	}
	if budgets == 0 || len(st.Repeats) == 0 {
		t.Errorf("budget incidents %d, repeats %v: the fixture should have both", budgets, st.Repeats)
	}
}

// TestFindDashboardStats_CrossEngine requires PostgreSQL (medians by
// percentile_cont) and SQLite (medians in Go) to agree on one fixture.
func TestFindDashboardStats_CrossEngine(t *testing.T) {
	ctx := context.Background()
	a, from, to := dashboardFixture(t)
	var dump bytes.Buffer
	if err := a.Export(ctx, &dump); err != nil {
		t.Fatal(err)
	}
	pg := teststore.Postgres(t)
	if err := pg.Import(ctx, &dump); err != nil {
		t.Fatal(err)
	}
	x, err := a.FindDashboardStats(ctx, from, to, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	y, err := pg.FindDashboardStats(ctx, from, to, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if x.Incidents != y.Incidents || !slices.Equal(x.Actions, y.Actions) || !slices.Equal(x.ActionsDone, y.ActionsDone) ||
		!slices.Equal(x.Repeats, y.Repeats) || !slices.Equal(x.Months, y.Months) {
		t.Fatalf("sqlite %+v\npostgres %+v", x, y)
	}
	for k, xs := range [][][]hindsight.Median{x.Detect, x.Acknowledge, x.Resolve} {
		ys := [][][]hindsight.Median{y.Detect, y.Acknowledge, y.Resolve}[k]
		for m := range xs {
			for sv := range xs[m] {
				if xs[m][sv].N != ys[m][sv].N || !sameFloat(xs[m][sv].Minutes, ys[m][sv].Minutes) {
					t.Errorf("metric %d month %d severity %d: sqlite %+v, postgres %+v", k, m, sv, xs[m][sv], ys[m][sv])
				}
			}
		}
	}
	for m := range x.Budget {
		if x.Budget[m].N != y.Budget[m].N || !sameFloat(x.Budget[m].Percent, y.Budget[m].Percent) {
			t.Errorf("budget month %d: sqlite %+v, postgres %+v", m, x.Budget[m], y.Budget[m])
		}
	}
}

type reference struct {
	incidents int
	samples   [3][][][]float64
}

// referenceMedians measures each incident of the window from its whole
// timeline and its measured impact start with hindsight.ComputeResponseTimes,
// the rule the document uses.
func referenceMedians(t *testing.T, s *sqlstore.Store, from, to time.Time, slack time.Duration, months []string) reference {
	t.Helper()
	ctx := context.Background()
	var r reference
	for k := range r.samples {
		r.samples[k] = make([][][]float64, len(months))
		for m := range months {
			r.samples[k][m] = make([][]float64, len(hindsight.Severities))
		}
	}
	var ids []string
	for off := 0; ; off += 100 {
		page, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Page: hindsight.Page{Limit: 100, Offset: off}})
		if err != nil {
			t.Fatal(err)
		}
		for _, inc := range page {
			ids = append(ids, inc.ID)
		}
		if len(page) < 100 {
			break
		}
	}
	for _, id := range ids {
		pm, err := s.FindPostmortem(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		inc := pm.Incident
		if inc.StartedAt.Before(from) || !inc.StartedAt.Before(to) {
			continue
		}
		r.incidents++
		var events []hindsight.TimelineEvent
		for _, e := range pm.Timeline {
			if !e.Time.Before(from) && e.Time.Before(to.Add(slack)) {
				events = append(events, e)
			}
		}
		var start hindsight.Figure
		if pm.Impact != nil {
			start = pm.Impact.ImpactStart
		}
		rt := hindsight.ComputeResponseTimes(&inc, events, start)
		m, sv := slices.Index(months, inc.StartedAt.UTC().Format("2006-01")), slices.Index(hindsight.Severities, inc.Severity)
		for k, f := range []hindsight.Figure{rt.Detect, rt.Acknowledge, rt.Resolve} {
			if f.Measured && m >= 0 && sv >= 0 {
				r.samples[k][m][sv] = append(r.samples[k][m][sv], f.Value)
			}
		}
	}
	return r
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a))
}

func measured(cells [][]hindsight.Median) int {
	n := 0
	for _, m := range cells {
		for _, c := range m {
			n += c.N
		}
	}
	return n
}

// TestFindDashboardStats_HeldBudgetNotHeadline checks that an event-based
// budget computed over less than the SLO window (its note would be lost on
// the dashboard) is not summed: the time-based figure stands in for it.
func TestFindDashboardStats_HeldBudgetNotHeadline(t *testing.T) {
	ctx := context.Background()
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
		for i, held := range []time.Duration{0, 48 * time.Hour} {
			at := start.Add(time.Duration(i) * time.Hour)
			name := fmt.Sprintf("Budget%d", i)
			inc := &hindsight.Incident{ID: hindsight.IncidentID(at, name), Title: "Budget", AlertName: name, StartedAt: at,
				Severity: hindsight.SEV2, Status: hindsight.IncidentInvestigating}
			if err := s.CreateIncident(ctx, inc); err != nil {
				t.Fatal(err)
			}
			imp := hindsight.Impact{
				BudgetConsumed:      hindsight.Figure{Value: 2, Unit: hindsight.UnitPercent, Measured: true},
				ErrorBudgetConsumed: hindsight.Figure{Value: 9850, Unit: hindsight.UnitPercent, Measured: true, Held: held},
			}
			if err := s.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: inc.ID, Impact: imp}); err != nil {
				t.Fatal(err)
			}
		}
		from := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
		st, err := s.FindDashboardStats(ctx, from, from.AddDate(0, 1, 0), 0)
		if err != nil {
			t.Fatal(err)
		}
		// 9850 (whole window) + 2 (time-based, for the held one).
		if b := st.Budget[0]; b.N != 2 || !sameFloat(b.Percent, 9852) {
			t.Errorf("Budget = %+v, want 9852%% over 2 incidents", b)
		}
	})
}

// TestDashboardUsesMilestoneIndex: the dashboard's query of first events
// reads the partial index timeline_events_milestones on both engines,
// which it can only if its condition implies the index's (migration
// 00027): a change to hindsight.DashboardEventTypes without one to the
// index would otherwise turn it into a scan of every timeline event.
func TestDashboardUsesMilestoneIndex(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		plan, err := sqlstore.DashboardEventsPlan(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "timeline_events_milestones") {
			t.Fatalf("the dashboard's first events are read without the index timeline_events_milestones:\n%s", plan)
		}
	})
}
