package http

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// dashboardTTL is how long computed dashboard figures are reused: they
// summarize months, so a minute's delay costs nothing and spares the store.
const dashboardTTL = time.Minute

// dashboardEventSlack is how long after the window events still count
// towards the response times of incidents that started inside it.
const dashboardEventSlack = 7 * 24 * time.Hour

// dashboardCache keeps recently computed dashboards by window.
type dashboardCache struct {
	mu      sync.Mutex
	entries map[string]dashboardEntry
}

type dashboardEntry struct {
	at   time.Time
	data *dashboardData
	// ttl is how long the entry is reused; 0 means dashboardTTL. The
	// background refresher keeps its window for longer than its interval.
	ttl time.Duration
}

// dashboardData is the data of the dashboard page.
type dashboardData struct {
	To        string
	Months    int
	From, End time.Time
	Incidents int
	Charts    []dashboardChart
	Severity  []chartSeries
	// Completion is the action completion rate over the window, in percent.
	Completion        float64
	ActionsDone, Acts int
	Repeats           []repeatRow
	// Budget is the error budget consumed over the window, in percent, by
	// the BudgetN incidents with a measured figure.
	Budget  float64
	BudgetN int
	// AsOf is when the figures were computed: they are reused for a while.
	AsOf time.Time
}

// dashboardChart is one chart with a caption.
type dashboardChart struct {
	ID, Title, Caption string
	SVG                template.HTML
}

// repeatRow is an alert that opened more than one incident in the window.
type repeatRow struct {
	Alert string
	Count int
}

// uiDashboard shows response times by month and severity, the action
// completion rate and repeat incidents over a window of months ending
// with the month "to" (YYYY-MM; default the current month).
func (s *Server) uiDashboard(w http.ResponseWriter, r *http.Request, v *visitor) {
	from, end, to, months, err := dashboardWindow(r, s.Now())
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data, err := s.dashboardFor(r, from, end)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	d := *data
	d.To, d.Months = to, months
	s.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Visitor: v, Data: &d})
}

// dashboardWindow reads the window: months (1 to 36, default 12) ending
// with month to.
func dashboardWindow(r *http.Request, now time.Time) (from, end time.Time, to string, months int, err error) {
	q := r.URL.Query()
	months = 12
	if m := q.Get("months"); m != "" {
		if months, err = strconv.Atoi(m); err != nil || months < 1 || months > 36 {
			return from, end, "", 0, hindsight.Errorf(hindsight.EINVALID, "months must be a whole number from 1 to 36")
		}
	}
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if to = q.Get("to"); to != "" {
		if last, err = time.Parse("2006-01", to); err != nil {
			return from, end, "", 0, hindsight.Errorf(hindsight.EINVALID, "to must be a month such as 2025-09")
		}
	}
	end = last.AddDate(0, 1, 0)
	return end.AddDate(0, -months, 0), end, last.Format("2006-01"), months, nil
}

// dashboardFor returns the figures of a window, computed at most once a
// minute per window.
func (s *Server) dashboardFor(r *http.Request, from, end time.Time) (*dashboardData, error) {
	key := from.Format("2006-01") + "/" + end.Format("2006-01")
	c := &s.dashboard
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && s.Now().Sub(e.at) < max(e.ttl, dashboardTTL) {
		return e.data, nil
	}
	data, err := s.computeWindow(r.Context(), from, end)
	if err != nil {
		return nil, err
	}
	c.put(key, dashboardEntry{at: s.Now(), data: data})
	return data, nil
}

// put stores an entry; the caller holds c.mu.
func (c *dashboardCache) put(key string, e dashboardEntry) {
	if c.entries == nil {
		c.entries = map[string]dashboardEntry{}
	}
	c.entries[key] = e
}

// computeWindow has the store aggregate [from, end) and draws the charts.
func (s *Server) computeWindow(ctx context.Context, from, end time.Time) (*dashboardData, error) {
	st, err := s.UIStore.FindDashboardStats(ctx, from, end, dashboardEventSlack)
	if err != nil {
		return nil, err
	}
	d := computeDashboard(st, from, end)
	d.AsOf = s.Now().UTC()
	return d, nil
}
