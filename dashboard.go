package hindsight

import (
	"context"
	"time"
)

// DashboardStats are the dashboard's figures over a window of whole months,
// aggregated by the store. Every per-month slice has one entry per month of
// Months; every per-severity slice one entry per severity of Severities.
// Figures by month and severity count only incidents of a known severity.
type DashboardStats struct {
	// Months are the window's months as "2006-01", oldest first.
	Months []string
	// Incidents counts every incident that started in the window.
	Incidents int
	// Detect, Acknowledge and Resolve are the median response times per
	// month and severity, as ComputeResponseTimes measures them from the
	// first event of each type (no measured impact start is used).
	Detect, Acknowledge, Resolve [][]Median
	// Actions and ActionsDone count the action items of the month's
	// incidents: all but those marked won't do, and those done.
	Actions, ActionsDone []int
	// Repeats are the alerts (or titles, for incidents without an alert)
	// that opened more than one incident, most frequent first, then by
	// name; at most DashboardRepeats.
	Repeats []AlertCount
	// Budget is the error budget consumed per month (see BudgetSum).
	Budget []BudgetSum
}

// DashboardRepeats is how many repeat alerts DashboardStats lists.
const DashboardRepeats = 10

// Median is the median of N measured durations in minutes; Minutes is NaN
// when N is 0.
type Median struct {
	Minutes float64
	N       int
}

// AlertCount is how many incidents one alert opened.
type AlertCount struct {
	Alert string
	Count int
}

// BudgetSum is the error budget consumed by the incidents of one month: the
// sum, in percent of a budget, of each incident's stored ErrorBudgetConsumed
// figure, or of its BudgetConsumed figure where the former is not measured.
// N counts the incidents with either figure measured; Percent is 0 when N is 0.
type BudgetSum struct {
	Percent float64
	N       int
}

// DashboardEventTypes are the event types whose first occurrence the
// dashboard's response times are measured from.
var DashboardEventTypes = []EventType{EventIssueStarted, EventAlertFired, EventAcknowledged, EventResolved}

// DashboardMonths lists the months of [from, to) as "2006-01"; from and to
// are the first instants of months, in UTC.
func DashboardMonths(from, to time.Time) []string {
	var out []string
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// FactsService reads the figures behind the dashboard.
type FactsService interface {
	// FindDashboardStats aggregates the incidents that started in
	// [from, to), two first instants of months in UTC. Timeline events count
	// from from up to eventSlack after to.
	// Errors: none beyond EUNAVAILABLE/EINTERNAL.
	FindDashboardStats(ctx context.Context, from, to time.Time, eventSlack time.Duration) (*DashboardStats, error)
}
