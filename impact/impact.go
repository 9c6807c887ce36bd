// Package impact measures an incident's impact in Prometheus, draws the
// evidence around it (graphs, marks, links) and stores it with its retry
// state. The server's worker, POST /api/v1/incidents/{id}/impact and
// "hindsight impact" share it.
package impact

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/evidence"
	"github.com/hindsight-sre/hindsight/prometheus"
)

// DefaultInterval is how often the server looks for resolved incidents
// whose impact is still to be measured or due for a retry.
const DefaultInterval = time.Minute

// batch is how many incidents one pass of RunDue measures.
const batch = 20

// NoPrometheusReason is the reason every query-based figure gives when no
// Prometheus URL is configured.
const NoPrometheusReason = "no Prometheus URL is configured"

// Service measures and stores impacts.
type Service struct {
	store  hindsight.Services
	config *config.Config
	// client is nil when no Prometheus URL is configured; reason then
	// says why every query-based figure is not measured.
	client *prometheus.Client
	reason string
	now    func() time.Time
	// Log receives one line per measured incident; nil is slog.Default().
	Log *slog.Logger
}

// New builds the service for cfg over store (nil when only Measure is
// used). A missing or invalid Prometheus URL is not an error: the figures
// then say why they are not measured, once, without retries. now is the
// clock; nil is time.Now.
func New(cfg *config.Config, store hindsight.Services, now func() time.Time) *Service {
	s := &Service{store: store, config: cfg, now: now}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.Prometheus.URL == "" {
		s.reason = NoPrometheusReason
		return s
	}
	client, err := prometheus.New(cfg.Prometheus)
	if err != nil {
		s.reason = hindsight.ErrorMessage(err)
		return s
	}
	s.client = client
	return s
}

// Client returns the Prometheus client, nil when no Prometheus URL is
// configured; its resolution limits (MinStep, MinRange, Lookback) may be
// tuned before the first measurement.
func (s *Service) Client() *prometheus.Client { return s.client }

// Figures measures the figures of req, without evidence or storing: the
// figures of a document that names its own objectives.
func (s *Service) Figures(ctx context.Context, req prometheus.Request) hindsight.Impact {
	if s.client == nil {
		return prometheus.NotConfigured(req, s.reason)
	}
	return s.client.Impact(ctx, req)
}

// Measure computes the impact of inc without storing it: the figures, and
// the evidence drawn around them (graphs, marks, links).
func (s *Service) Measure(ctx context.Context, inc *hindsight.Incident) (hindsight.Impact, error) {
	now := s.now()
	req := prometheus.RequestFor(s.config, inc, now)
	imp := s.Figures(ctx, req)
	from, to := hindsight.GraphWindow(imp, s.config.Evidence.GraphMargin.Std())
	imp.Links = evidence.Links(s.config.Evidence, inc, from, to)
	if s.client == nil {
		return imp, nil
	}
	events, err := s.store.FindTimeline(ctx, inc.ID)
	if err != nil {
		return imp, err
	}
	timeline := make([]hindsight.TimelineEvent, len(events))
	for i, e := range events {
		timeline[i] = *e
	}
	end := to
	if end.After(now) {
		// The margin after the resolution is still to come: draw what
		// there is and measure again once it has passed.
		end, imp.GraphsUntil = now.UTC(), to
	}
	if end.After(from) {
		imp.Graphs = s.client.Graphs(ctx, req, from, end)
	}
	imp.Marks = hindsight.GraphMarks(inc, timeline)
	imp.PrometheusURL = s.config.Evidence.PrometheusURL
	if imp.PrometheusURL == "" {
		imp.PrometheusURL = s.config.Prometheus.URL
	}
	return imp, nil
}

// ComputeImpact measures the incident's impact now and stores it. A
// figure that failed for a transient reason schedules a retry, with a
// backoff, until hindsight.MaxImpactAttempts. Errors: ENOTFOUND, ECONFLICT
// (an approved record is not remeasured), the store's.
func (s *Service) ComputeImpact(ctx context.Context, incidentID string) (*hindsight.ImpactRecord, error) {
	inc, err := s.store.FindIncidentByID(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	// An approved record is not remeasured: refuse before asking
	// Prometheus (SaveImpact refuses too, under the incident's lock).
	if doc, err := s.store.FindDocument(ctx, incidentID); err == nil {
		if err := doc.ClosedError("its impact is not remeasured"); err != nil {
			return nil, err
		}
	} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		return nil, err
	}
	imp, err := s.Measure(ctx, inc)
	if err != nil {
		return nil, err
	}
	attempts := 0
	if prev, err := s.store.FindImpact(ctx, incidentID); err == nil {
		attempts = prev.Attempts
	} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		return nil, err
	}
	now := s.now()
	r := &hindsight.ImpactRecord{IncidentID: incidentID, Impact: imp, ComputedAt: now, Attempts: attempts + 1}
	if imp.Transient() && r.Attempts < hindsight.MaxImpactAttempts {
		r.NeedsRetry, r.RetryAfter = true, now.Add(hindsight.ImpactRetryDelay(r.Attempts))
	}
	if !imp.GraphsUntil.IsZero() && r.Attempts < hindsight.MaxImpactAttempts {
		// Redraw the graphs once their window has passed.
		if due := imp.GraphsUntil.Add(time.Minute); !r.NeedsRetry || r.RetryAfter.Before(due) {
			r.NeedsRetry, r.RetryAfter = true, due
		}
	}
	if err := s.store.SaveImpact(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// RunDue measures the incidents that need it: resolved without an impact,
// or with a retry due. It returns how many it measured; an incident that
// cannot be measured is logged and makes the run fail, after the others.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	ids, err := s.store.FindIncidentsNeedingImpact(ctx, s.now(), batch)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		r, err := s.ComputeImpact(ctx, id)
		if err != nil {
			s.log().Warn("impact: cannot measure incident; will retry", "incident", id, "err", err)
			errs = append(errs, err)
			continue
		}
		done++
		s.logMeasured(r)
	}
	return done, errors.Join(errs...)
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// logMeasured reports one computation and the figures left unmeasured.
func (s *Service) logMeasured(r *hindsight.ImpactRecord) {
	unmeasured := 0
	for _, f := range r.Impact.Figures() {
		if !f.Figure.Measured {
			unmeasured++
		}
	}
	attrs := []any{"incident", r.IncidentID, "attempt", r.Attempts, "not_measured", unmeasured}
	if r.NeedsRetry {
		attrs = append(attrs, "retry_after", r.RetryAfter.UTC().Format(time.RFC3339))
	}
	s.log().Info("impact: measured", attrs...)
}
