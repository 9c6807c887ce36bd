package http

import (
	"context"
	"time"
)

// DefaultDashboardRefresh is how often the server recomputes the
// dashboard's default window.
const DefaultDashboardRefresh = time.Minute

// RefreshDashboardWindow computes the dashboard's default window (12
// months ending with the current month, what /dashboard shows without
// parameters) and keeps it for two intervals, so that a slow refresh never
// leaves it uncached. The server runs it every interval in the background
// (a worker), so that no visitor waits for it: the figures are at most one
// interval old. Other windows are still computed on request and kept one
// minute. It returns 0 things done: a refresh is routine, not news.
func (s *Server) RefreshDashboardWindow(ctx context.Context, interval time.Duration) (int, error) {
	if interval <= 0 {
		interval = DefaultDashboardRefresh
	}
	now := s.Now().UTC()
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	from := end.AddDate(0, -12, 0)
	data, err := s.computeWindow(ctx, from, end)
	if err != nil {
		return 0, err
	}
	c := &s.dashboard
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(from.Format("2006-01")+"/"+end.Format("2006-01"), dashboardEntry{at: s.Now(), data: data, ttl: 2 * interval})
	return 0, nil
}
