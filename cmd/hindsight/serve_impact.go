package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/evidence"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/prometheus"
)

// DefaultImpactInterval is how often "hindsight serve" looks for resolved
// incidents whose impact is still to be measured or due for a retry.
const DefaultImpactInterval = time.Minute

// impactBatch is how many incidents one pass of the worker measures.
const impactBatch = 20

// noPrometheusReason is the reason every query-based figure gives when no
// Prometheus URL is configured.
const noPrometheusReason = "no Prometheus URL is configured"

// impactStore is what measuring impact needs from the store.
type impactStore interface {
	hindsight.IncidentService
	hindsight.DocumentService
	hindsight.ImpactService
	hindsight.TimelineService
}

// impactComputer measures an incident's impact in Prometheus and stores it
// with its retry state. It is shared by the server's worker, its
// POST /api/v1/incidents/{id}/impact and "hindsight impact".
type impactComputer struct {
	store  impactStore
	config *config.Config
	// client is nil when no Prometheus URL is configured; reason then
	// says why every query-based figure is not measured.
	client *prometheus.Client
	reason string
	now    func() time.Time
}

// newImpactComputer builds the computer for cfg. A missing or invalid
// Prometheus URL is not an error: the figures then say why they are not
// measured, once, without retries.
func newImpactComputer(cfg *config.Config, store impactStore, now func() time.Time) *impactComputer {
	c := &impactComputer{store: store, config: cfg, now: now}
	if c.now == nil {
		c.now = time.Now
	}
	if cfg.Prometheus.URL == "" {
		c.reason = noPrometheusReason
		return c
	}
	client, err := prometheus.New(cfg.Prometheus)
	if err != nil {
		c.reason = hindsight.ErrorMessage(err)
		return c
	}
	c.client = client
	return c
}

// measure computes the impact of inc without storing it: the figures,
// and the evidence drawn around them (graphs, marks, links).
func (c *impactComputer) measure(ctx context.Context, inc *hindsight.Incident) (hindsight.Impact, error) {
	now := c.now()
	req := prometheus.RequestFor(c.config, inc, now)
	if c.client == nil {
		imp := prometheus.NotConfigured(req, c.reason)
		from, to := hindsight.GraphWindow(imp, c.config.Evidence.GraphMargin.Std())
		imp.Links = evidence.Links(c.config.Evidence, inc, from, to)
		return imp, nil
	}
	imp := c.client.Impact(ctx, req)
	events, err := c.store.FindTimeline(ctx, inc.ID)
	if err != nil {
		return imp, err
	}
	timeline := make([]hindsight.TimelineEvent, len(events))
	for i, e := range events {
		timeline[i] = *e
	}
	from, to := hindsight.GraphWindow(imp, c.config.Evidence.GraphMargin.Std())
	end := to
	if end.After(now) {
		// The margin after the resolution is still to come: draw what
		// there is and measure again once it has passed.
		end, imp.GraphsUntil = now.UTC(), to
	}
	if end.After(from) {
		imp.Graphs = c.client.Graphs(ctx, req, from, end)
	}
	imp.Marks = hindsight.GraphMarks(inc, timeline)
	imp.Links = evidence.Links(c.config.Evidence, inc, from, to)
	imp.PrometheusURL = c.config.Evidence.PrometheusURL
	if imp.PrometheusURL == "" {
		imp.PrometheusURL = c.config.Prometheus.URL
	}
	return imp, nil
}

// ComputeImpact measures the incident's impact now and stores it. A
// figure that failed for a transient reason schedules a retry, with a
// backoff, until hindsight.MaxImpactAttempts.
func (c *impactComputer) ComputeImpact(ctx context.Context, incidentID string) (*hindsight.ImpactRecord, error) {
	inc, err := c.store.FindIncidentByID(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	// An approved record is not remeasured: refuse before asking
	// Prometheus (SaveImpact refuses too, under the incident's lock).
	if doc, err := c.store.FindDocument(ctx, incidentID); err == nil {
		if err := doc.ClosedError("its impact is not remeasured"); err != nil {
			return nil, err
		}
	} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		return nil, err
	}
	imp, err := c.measure(ctx, inc)
	if err != nil {
		return nil, err
	}
	attempts := 0
	if prev, err := c.store.FindImpact(ctx, incidentID); err == nil {
		attempts = prev.Attempts
	} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		return nil, err
	}
	now := c.now()
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
	if err := c.store.SaveImpact(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// wireImpact builds the impact computer and hands it to the HTTP server
// for POST /api/v1/incidents/{id}/impact.
func (m *Main) wireImpact(s *hhttp.Server) {
	m.impact = newImpactComputer(m.Config, m.Store, m.Now)
	s.Impact = m.impact
}

// logImpact reports one computation and the figures left unmeasured.
func logImpact(log *slog.Logger, r *hindsight.ImpactRecord) {
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
	log.Info("impact: measured", attrs...)
}
