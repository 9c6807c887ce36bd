package http

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// statsResponse is the body of GET /api/v1/stats: the dashboard's figures
// over a window of whole months.
type statsResponse struct {
	// From and To are the first and last months of the window, YYYY-MM.
	From string `json:"from"`
	To   string `json:"to"`
	// Start and End bound the window in time: [Start, End).
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Months label the figures below, oldest first.
	Months []string `json:"months"`
	// Incidents is the number of incidents that started in the window.
	Incidents     int                       `json:"incidents"`
	ResponseTimes map[string][]severityStat `json:"response_times"`
	Actions       actionStats               `json:"action_completion"`
	Repeats       []repeatStat              `json:"repeat_incidents"`
	Budget        budgetStats               `json:"error_budget_consumed"`
}

// severityStat is one severity's median minutes per month, null where no
// incident of the month has the figure, and how many incidents had it.
type severityStat struct {
	Severity      hindsight.Severity `json:"severity"`
	MedianMinutes []*float64         `json:"median_minutes"`
	Measured      []int              `json:"measured"`
}

// actionStats is the action completion rate: done action items among those
// not marked won't do, over the window and by month of the incident.
type actionStats struct {
	Done        int        `json:"done"`
	Counted     int        `json:"counted"`
	RatePercent *float64   `json:"rate_percent"`
	ByMonth     []*float64 `json:"by_month_percent"`
}

// repeatStat is an alert that opened more than one incident in the window.
type repeatStat struct {
	Alert string `json:"alert"`
	Count int    `json:"count"`
}

// budgetStats is the error budget consumed by the incidents of each month,
// in percent of a budget; null where no incident has the figure measured.
type budgetStats struct {
	ByMonth  []*float64 `json:"by_month_percent"`
	Measured []int      `json:"measured"`
}

// registerStatsRoutes adds the dashboard's figures to the JSON API.
func (s *Server) registerStatsRoutes() {
	s.mux.HandleFunc("GET /api/v1/stats", s.readable(s.handleStats))
}

// handleStats returns the dashboard's figures over the months from..to,
// by default the 12 months ending with the current one, aggregated by the
// store function that the dashboard page uses.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	start, end, err := statsWindow(r.URL.Query(), s.Now())
	if err != nil {
		Error(w, r, err)
		return
	}
	if s.UIStore == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "stats are not available on this server"))
		return
	}
	st, err := s.UIStore.FindDashboardStats(r.Context(), start, end, dashboardEventSlack)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newStatsResponse(st, start, end))
}

// newStatsResponse reports the store's figures of [start, end).
func newStatsResponse(st *hindsight.DashboardStats, start, end time.Time) statsResponse {
	out := statsResponse{From: start.Format("2006-01"), To: end.AddDate(0, -1, 0).Format("2006-01"),
		Start: start, End: end, Months: st.Months, Incidents: st.Incidents,
		ResponseTimes: map[string][]severityStat{"time_to_detect": severityStats(st.Detect),
			"time_to_acknowledge": severityStats(st.Acknowledge), "time_to_resolve": severityStats(st.Resolve)},
		Repeats: []repeatStat{}, Actions: actionStats{ByMonth: []*float64{}},
		Budget: budgetStats{ByMonth: []*float64{}, Measured: []int{}}}
	if out.Months == nil {
		out.Months = []string{}
	}
	for m := range st.Months {
		out.Actions.Done += st.ActionsDone[m]
		out.Actions.Counted += st.Actions[m]
		out.Actions.ByMonth = append(out.Actions.ByMonth, percent(st.ActionsDone[m], st.Actions[m]))
		b := st.Budget[m]
		out.Budget.Measured = append(out.Budget.Measured, b.N)
		if b.N > 0 {
			out.Budget.ByMonth = append(out.Budget.ByMonth, finite(b.Percent))
		} else {
			out.Budget.ByMonth = append(out.Budget.ByMonth, nil)
		}
	}
	out.Actions.RatePercent = percent(out.Actions.Done, out.Actions.Counted)
	for _, rp := range st.Repeats {
		out.Repeats = append(out.Repeats, repeatStat{Alert: rp.Alert, Count: rp.Count})
	}
	return out
}

// severityStats turns medians by [month][severity] into one row per
// severity.
func severityStats(byMonth [][]hindsight.Median) []severityStat {
	out := make([]severityStat, len(hindsight.Severities))
	for sv, sev := range hindsight.Severities {
		out[sv] = severityStat{Severity: sev, MedianMinutes: make([]*float64, len(byMonth)), Measured: make([]int, len(byMonth))}
		for m, row := range byMonth {
			if sv < len(row) && row[sv].N > 0 {
				out[sv].MedianMinutes[m] = finite(row[sv].Minutes)
				out[sv].Measured[m] = row[sv].N
			}
		}
	}
	return out
}

// percent returns 100*part/whole, or nil when whole is 0.
func percent(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	return finite(100 * float64(part) / float64(whole))
}

// finite returns v, or nil for NaN and infinities, which JSON cannot carry.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// maxStatsMonths bounds the window, as the dashboard does.
const maxStatsMonths = 36

// statsWindow reads the window [start, end) from the months from and to
// (YYYY-MM, both included) and months (1 to 36): any two of them fix it,
// to alone means 12 months ending with it, from alone 12 months starting
// with it, and nothing the 12 months ending with the current month. Every
// bad parameter is reported.
func statsWindow(q url.Values, now time.Time) (start, end time.Time, err error) {
	var v hindsight.Validation
	from, hasFrom := monthParam(q, "from", &v)
	to, hasTo := monthParam(q, "to", &v)
	months, hasMonths := 12, q.Get("months") != ""
	if hasMonths {
		if months, err = strconv.Atoi(q.Get("months")); err != nil || months < 1 || months > maxStatsMonths {
			v.Add("months", "must be a whole number from 1 to %d", maxStatsMonths)
		}
	}
	if err := v.Err("query"); err != nil {
		return start, end, err
	}
	switch {
	case hasFrom && hasTo && hasMonths:
		v.Add("months", "give at most two of from, to and months")
	case hasFrom && hasTo:
		months = (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1
		if months < 1 || months > maxStatsMonths {
			v.Add("to", "must be from the month of from to %d months after it", maxStatsMonths-1)
		}
		start = from
	case hasFrom:
		start = from
	default:
		if !hasTo {
			to = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		}
		start = to.AddDate(0, 1-months, 0)
	}
	return start, start.AddDate(0, months, 0), v.Err("query")
}

// monthParam reads a YYYY-MM parameter; ok reports whether it was given.
func monthParam(q url.Values, name string, v *hindsight.Validation) (t time.Time, ok bool) {
	s := q.Get(name)
	if s == "" {
		return t, false
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		v.Add(name, "must be a month such as 2025-09")
	}
	return t, true
}
