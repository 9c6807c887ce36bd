package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var _ hindsight.FactsService = (*Store)(nil)

// The dashboard is aggregated in SQL, in one snapshot: response times from
// the first event of each type per incident (one GROUP BY over the covering
// partial index timeline_events_milestones, joined once to the window's
// incidents), action items and impacts grouped by month, repeat alerts
// grouped by name.
// Medians are computed by PostgreSQL (percentile_cont); SQLite has no
// median, so it returns one row of three durations per incident and the
// medians are taken in Go.

// dashWindow is the window being aggregated, with its indexes.
type dashWindow struct {
	from, to, eventsTo time.Time
	stats              *hindsight.DashboardStats
	sevIndex           map[string]int
}

// FindDashboardStats aggregates the incidents that started in [from, to).
// The response times and the other figures are read concurrently, each in
// its own read snapshot, so that two cores share the work.
func (s *Store) FindDashboardStats(ctx context.Context, from, to time.Time, eventSlack time.Duration) (*hindsight.DashboardStats, error) {
	w := newDashWindow(from, to, eventSlack)
	groups := [][]func(*Tx) func(context.Context, *dashWindow) error{
		{func(tx *Tx) func(context.Context, *dashWindow) error { return tx.dashResponse }},
		{func(tx *Tx) func(context.Context, *dashWindow) error { return tx.dashActions },
			func(tx *Tx) func(context.Context, *dashWindow) error { return tx.dashRepeats },
			func(tx *Tx) func(context.Context, *dashWindow) error { return tx.dashBudget }},
	}
	errs := make([]error, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Go(func() {
			errs[i] = s.view(ctx, func(tx *Tx) error {
				for _, step := range g {
					if err := step(tx)(ctx, w); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return w.stats, nil
}

func newDashWindow(from, to time.Time, eventSlack time.Duration) *dashWindow {
	months := hindsight.DashboardMonths(from, to)
	st := &hindsight.DashboardStats{Months: months, Actions: make([]int, len(months)), ActionsDone: make([]int, len(months)),
		Budget: make([]hindsight.BudgetSum, len(months))}
	for _, p := range []*[][]hindsight.Median{&st.Detect, &st.Acknowledge, &st.Resolve} {
		*p = make([][]hindsight.Median, len(months))
		for m := range *p {
			(*p)[m] = make([]hindsight.Median, len(hindsight.Severities))
			for s := range (*p)[m] {
				(*p)[m][s].Minutes = math.NaN()
			}
		}
	}
	w := &dashWindow{from: from, to: to, eventsTo: to.Add(eventSlack), stats: st, sevIndex: map[string]int{}}
	for i, sev := range hindsight.Severities {
		w.sevIndex[string(sev)] = i
	}
	return w
}

// monthsSQL is a WITH clause naming the window's months: months(k, lo,
// hi) holds each month's index and its bounds in microseconds. Joining
// incidents to it by range replaces a per-row month expression and sort.
func (w *dashWindow) monthsSQL() (string, []any) {
	var rows []string
	var args []any
	m := w.from
	for k := range w.stats.Months {
		next := m.AddDate(0, 1, 0)
		rows = append(rows, "("+strconv.Itoa(k)+", CAST(? AS BIGINT), CAST(? AS BIGINT))")
		args = append(args, m.UnixMicro(), next.UnixMicro())
		m = next
	}
	if len(rows) == 0 {
		rows = append(rows, "(0, CAST(0 AS BIGINT), CAST(0 AS BIGINT))")
	}
	return "WITH months (k, lo, hi) AS (VALUES " + strings.Join(rows, ", ") + ") ", args
}

// inMonths joins the window's incidents i to their month mo.
const inMonths = " months mo JOIN incidents i ON i.started_at >= mo.lo AND i.started_at < mo.hi "

// knownSeverity is the condition on i.severity that keeps the known
// severities, with its arguments.
func knownSeverity() (string, []any) {
	marks := make([]string, len(hindsight.Severities))
	args := make([]any, len(hindsight.Severities))
	for i, s := range hindsight.Severities {
		marks[i], args[i] = "?", string(s)
	}
	return "i.severity IN (" + strings.Join(marks, ", ") + ")", args
}

// firstEventsSQL selects, per incident with events in a time range (two
// arguments), the first time of each event type of DashboardEventTypes.
var firstEventsSQL = func() string {
	var cols, types []string
	for _, t := range hindsight.DashboardEventTypes {
		cols = append(cols, "MIN(CASE WHEN type = '"+string(t)+"' THEN time END) AS "+string(t))
		types = append(types, "'"+string(t)+"'")
	}
	return "SELECT incident_id, " + strings.Join(cols, ", ") + " FROM timeline_events WHERE type IN (" +
		strings.Join(types, ", ") + ") AND time >= ? AND time < ? GROUP BY incident_id"
}()

// durationsSQL selects, per incident that started in the window, its month,
// severity and the microseconds to detect, acknowledge and resolve (NULL
// where not measured), with the rules of hindsight.ComputeResponseTimes:
// the issue starts at the measured impact start (impacts.impact_start),
// else at the first issue_started event, as in the document.
func (tx *Tx) durationsSQL() string {
	return `SELECT mo.k AS k, i.severity AS severity,
		CASE WHEN f.alert_fired >= COALESCE(m.impact_start, f.issue_started)
			THEN f.alert_fired - COALESCE(m.impact_start, f.issue_started) END AS detect,
		CASE WHEN f.acknowledged >= f.alert_fired THEN f.acknowledged - f.alert_fired END AS ack,
		CASE WHEN COALESCE(f.resolved, i.resolved_at) >= COALESCE(m.impact_start, f.issue_started, i.started_at)
			THEN COALESCE(f.resolved, i.resolved_at) - COALESCE(m.impact_start, f.issue_started, i.started_at) END AS resolve
		FROM` + inMonths + `LEFT JOIN (` + firstEventsSQL + `) f ON f.incident_id = i.id
		LEFT JOIN impacts m ON m.incident_id = i.id`
}

// dashResponse fills the incident count and the median response times.
func (tx *Tx) dashResponse(ctx context.Context, w *dashWindow) error {
	with, args := w.monthsSQL()
	args = append(args, w.from.UnixMicro(), w.eventsTo.UnixMicro())
	if tx.d.name == "postgres" {
		return tx.dashResponseGrouped(ctx, w, with, args)
	}
	rows, err := tx.query(ctx, with+tx.durationsSQL(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// samples[metric][month][severity] holds the measured minutes.
	samples := make([][][][]float64, 3)
	for k := range samples {
		samples[k] = make([][][]float64, len(w.stats.Months))
		for m := range samples[k] {
			samples[k][m] = make([][]float64, len(hindsight.Severities))
		}
	}
	for rows.Next() {
		var month int
		var sev string
		var us [3]sql.NullInt64
		if err := rows.Scan(&month, &sev, &us[0], &us[1], &us[2]); err != nil {
			return tx.d.mapError(err)
		}
		w.stats.Incidents++
		m, s, ok := w.cell(month, sev)
		for k := range us {
			if ok && us[k].Valid {
				samples[k][m][s] = append(samples[k][m][s], minutes(float64(us[k].Int64)))
			}
		}
	}
	for k, out := range w.medians() {
		for m := range out {
			for s := range out[m] {
				out[m][s] = hindsight.Median{Minutes: median(samples[k][m][s]), N: len(samples[k][m][s])}
			}
		}
	}
	return tx.d.mapError(rows.Err())
}

// dashResponseGrouped has PostgreSQL compute the medians per month and
// severity.
func (tx *Tx) dashResponseGrouped(ctx context.Context, w *dashWindow, with string, args []any) error {
	rows, err := tx.query(ctx, with+`SELECT k, severity, COUNT(*),
		COUNT(detect), percentile_cont(0.5) WITHIN GROUP (ORDER BY detect),
		COUNT(ack), percentile_cont(0.5) WITHIN GROUP (ORDER BY ack),
		COUNT(resolve), percentile_cont(0.5) WITHIN GROUP (ORDER BY resolve)
		FROM (`+tx.durationsSQL()+`) d GROUP BY k, severity`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var month, n int
		var sev string
		var counts [3]int
		var meds [3]sql.NullFloat64
		if err := rows.Scan(&month, &sev, &n, &counts[0], &meds[0], &counts[1], &meds[1], &counts[2], &meds[2]); err != nil {
			return tx.d.mapError(err)
		}
		w.stats.Incidents += n
		m, s, ok := w.cell(month, sev)
		if !ok {
			continue
		}
		for k, out := range w.medians() {
			if counts[k] > 0 {
				out[m][s] = hindsight.Median{Minutes: minutes(meds[k].Float64), N: counts[k]}
			}
		}
	}
	return tx.d.mapError(rows.Err())
}

// cell returns the month and severity indexes of a row, ok false when
// either is outside the window's.
func (w *dashWindow) cell(m int, sev string) (int, int, bool) {
	s, known := w.sevIndex[sev]
	return m, s, m >= 0 && m < len(w.stats.Months) && known
}

// medians are the window's three median tables in the order of the
// duration columns: detect, acknowledge, resolve.
func (w *dashWindow) medians() [3][][]hindsight.Median {
	return [3][][]hindsight.Median{w.stats.Detect, w.stats.Acknowledge, w.stats.Resolve}
}

// minutes converts microseconds to minutes as time.Duration.Minutes does.
func minutes(us float64) float64 {
	if us == math.Trunc(us) && math.Abs(us) < 1<<53/1000 {
		return (time.Duration(us) * time.Microsecond).Minutes()
	}
	return us / 6e7
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// dashActions counts the action items of the window's incidents per month.
// Severities are grouped rather than filtered, so that the scan keeps to
// the covering index incidents_dashboard.
func (tx *Tx) dashActions(ctx context.Context, w *dashWindow) error {
	with, args := w.monthsSQL()
	rows, err := tx.query(ctx, with+`SELECT mo.k, i.severity,
		SUM(CASE WHEN a.status = ? THEN 1 ELSE 0 END), SUM(CASE WHEN a.status <> ? THEN 1 ELSE 0 END)
		FROM`+inMonths+`JOIN action_items a ON a.incident_id = i.id GROUP BY mo.k, i.severity`,
		append(args, string(hindsight.ActionDone), string(hindsight.ActionWontDo))...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var month, done, total int
		var sev string
		if err := rows.Scan(&month, &sev, &done, &total); err != nil {
			return tx.d.mapError(err)
		}
		if m, _, ok := w.cell(month, sev); ok {
			w.stats.ActionsDone[m] += done
			w.stats.Actions[m] += total
		}
	}
	return tx.d.mapError(rows.Err())
}

// dashRepeats lists the alerts that opened more than one incident. Names
// are compared byte by byte on both engines.
func (tx *Tx) dashRepeats(ctx context.Context, w *dashWindow) error {
	collate := ""
	if tx.d.name == "postgres" {
		collate = ` COLLATE "C"`
	}
	known, sevArgs := knownSeverity()
	args := append(append(sevArgs, w.from.UnixMicro(), w.to.UnixMicro()), sevArgs...)
	rows, err := tx.query(ctx, `SELECT COALESCE(NULLIF(i.alert_name, ''), i.title)`+collate+` AS alert,
		SUM(CASE WHEN `+known+` THEN 1 ELSE 0 END) AS n
		FROM incidents i WHERE i.started_at >= ? AND i.started_at < ?
		GROUP BY alert HAVING SUM(CASE WHEN `+known+` THEN 1 ELSE 0 END) > 1 ORDER BY n DESC, alert LIMIT `+strconv.Itoa(hindsight.DashboardRepeats), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r hindsight.AlertCount
		if err := rows.Scan(&r.Alert, &r.Count); err != nil {
			return tx.d.mapError(err)
		}
		w.stats.Repeats = append(w.stats.Repeats, r)
	}
	return tx.d.mapError(rows.Err())
}

// budgetSQL is the expression of an impact's consumed error budget: the
// event-based figure when measured over the whole SLO window, else the
// downtime-based one, else NULL.
func (tx *Tx) budgetSQL() string {
	measured := func(f string) string { return "json_extract(m.impact, '$." + f + ".measured')" }
	value := func(f string) string { return "json_extract(m.impact, '$." + f + ".value')" }
	if tx.d.name == "postgres" {
		measured = func(f string) string { return "(m.impact::json #>> '{" + f + ",measured}') = 'true'" }
		value = func(f string) string { return "(m.impact::json #>> '{" + f + ",value}')::float8" }
	}
	// An event-based figure computed over less of the window than the SLO
	// window (Held set) is never the headline: its note would be lost.
	held := "json_extract(m.impact, '$.error_budget_consumed.held') IS NULL"
	if tx.d.name == "postgres" {
		held = "(m.impact::json #>> '{error_budget_consumed,held}') IS NULL"
	}
	return "CASE WHEN " + measured("error_budget_consumed") + " AND " + held + " THEN " + value("error_budget_consumed") +
		" WHEN " + measured("budget_consumed") + " THEN " + value("budget_consumed") + " END"
}

// dashBudget sums the stored error budget consumed per month.
func (tx *Tx) dashBudget(ctx context.Context, w *dashWindow) error {
	with, args := w.monthsSQL()
	rows, err := tx.query(ctx, with+`SELECT k, SUM(budget), COUNT(budget) FROM (SELECT mo.k AS k, `+
		tx.budgetSQL()+` AS budget FROM`+inMonths+`JOIN impacts m ON m.incident_id = i.id) b GROUP BY k`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var month int
		var sum sql.NullFloat64
		var n int
		if err := rows.Scan(&month, &sum, &n); err != nil {
			return tx.d.mapError(err)
		}
		if m := month; m >= 0 && m < len(w.stats.Months) && n > 0 {
			w.stats.Budget[m] = hindsight.BudgetSum{Percent: sum.Float64, N: n}
		}
	}
	return tx.d.mapError(rows.Err())
}
