package http

import (
	"context"
	"log/slog"
	"time"
)

// DefaultDashboardRefresh is how often RefreshDashboard recomputes the
// dashboard's default window.
const DefaultDashboardRefresh = time.Minute

// RefreshDashboard computes the dashboard's default window (12 months
// ending with the current month, what /dashboard shows without
// parameters) now and then every interval, in the background, so that no
// visitor waits for it: the figures are at most one interval old. Other
// windows are still computed on request and kept one minute. stop ends
// the refresher and waits for a computation in progress.
func (s *Server) RefreshDashboard(interval time.Duration) (stop func()) {
	if interval <= 0 {
		interval = DefaultDashboardRefresh
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.refreshDefaultWindow(ctx, interval)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// refreshDefaultWindow computes the default window and keeps it for two
// intervals, so that a slow refresh never leaves it uncached.
func (s *Server) refreshDefaultWindow(ctx context.Context, interval time.Duration) {
	now := s.Now().UTC()
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	from := end.AddDate(0, -12, 0)
	data, err := s.computeWindow(ctx, from, end)
	if err != nil {
		if ctx.Err() == nil {
			slog.Warn("dashboard refresh failed; visitors compute it on request", "err", err)
		}
		return
	}
	c := &s.dashboard
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(from.Format("2006-01")+"/"+end.Format("2006-01"), dashboardEntry{at: s.Now(), data: data, ttl: 2 * interval})
}
