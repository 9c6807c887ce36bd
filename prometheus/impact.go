package prometheus

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// Request is one incident to measure.
type Request struct {
	// Start is when the alert fired; End when the incident resolved (or
	// now, for an incident still open).
	Start, End time.Time
	// Service and Labels fill the query templates; they are escaped for
	// PromQL double-quoted strings before rendering.
	Service string
	Labels  map[string]string
	Targets hindsight.SLOTargets
	// Queries are the templates, unrendered (config.Config.QueriesFor).
	Queries config.Queries
}

// RequestFor builds the request for inc with the objectives and queries cfg
// gives its first service. An unresolved incident is measured up to now.
func RequestFor(cfg *config.Config, inc *hindsight.Incident, now time.Time) Request {
	service := inc.PrimaryService()
	end := now
	if inc.ResolvedAt != nil {
		end = *inc.ResolvedAt
	}
	return Request{
		Start: inc.StartedAt.UTC(), End: end.UTC(), Service: service, Labels: inc.Labels,
		Targets: cfg.SLOFor(inc), Queries: cfg.QueriesFor(service),
	}
}

// NotConfigured returns the impact of req with every query-based figure
// "not measured" for reason, such as "no Prometheus URL is configured".
func NotConfigured(req Request, reason string) hindsight.Impact {
	s := hindsight.Series{Reason: reason}
	v := hindsight.Scalar{Reason: reason}
	return hindsight.ComputeImpact(hindsight.Measurements{
		Start: req.Start, End: req.End, Targets: req.Targets,
		ErrorRatio: s, LatencyP95: s, LatencyP99: s, Freshness: s, WindowErrorRatio: s,
		IncidentErrorRatio: v, IncidentRequests: v, WindowRequests: v,
	})
}

// Impact measures req. It never fails: a figure whose query failed, or gave
// no usable data, reads "not measured: <reason>". The queries run
// concurrently, each bounded by c.Timeout and by ctx.
func (c *Client) Impact(ctx context.Context, req Request) hindsight.Impact {
	if !req.End.After(req.Start) {
		return NotConfigured(req, "the incident window is empty (end is not after start)")
	}
	p := c.plan(req)
	m := hindsight.Measurements{Start: req.Start, End: req.End, Targets: req.Targets}
	var wg sync.WaitGroup
	run := func(f func()) { wg.Go(f) }
	incident := span{start: req.Start.Add(-c.Lookback), end: req.End, step: p.step}
	window := span{start: req.End.Add(-req.Targets.Window), end: req.End, step: p.windowStep}
	run(func() { m.ErrorRatio = c.rangeQuery(ctx, p.incident.ErrorRatio, p.err, incident, combineMax) })
	latency := span{start: req.Start, end: req.End, step: p.step}
	run(func() { m.LatencyP95 = c.rangeQuery(ctx, p.incident.LatencyP95, p.err, latency, combineMax) })
	run(func() { m.LatencyP99 = c.rangeQuery(ctx, p.incident.LatencyP99, p.err, latency, combineMax) })
	run(func() { m.Freshness = c.rangeQuery(ctx, p.incident.Freshness, p.err, latency, combineMax) })
	run(func() { m.WindowErrorRatio = c.rangeQuery(ctx, p.windowSeries.ErrorRatio, p.err, window, combineMax) })
	run(func() {
		m.IncidentErrorRatio = c.instantQuery(ctx, p.overIncident.ErrorRatio, p.err, req.End, p.incidentRange, combineMax)
	})
	run(func() {
		m.IncidentRequests = c.instantQuery(ctx, p.overIncident.RequestRate, p.err, req.End, p.incidentRange, combineSum)
	})
	run(func() {
		m.WindowRequests = c.instantQuery(ctx, p.overWindow.RequestRate, p.err, req.End, req.Targets.Window, combineSum)
	})
	wg.Wait()
	return hindsight.ComputeImpact(m)
}

// plan is the rendered queries of one request and the steps and ranges
// they use.
type plan struct {
	step, windowStep time.Duration
	incidentRange    time.Duration
	// incident: range queries over the incident, rate() over RateRange(step).
	incident config.Queries
	// windowSeries: range query over the SLO window at windowStep.
	windowSeries config.Queries
	// overIncident and overWindow: instant queries whose rate() covers
	// the whole incident or the whole window.
	overIncident, overWindow config.Queries
	// err is why the templates did not render, if they did not.
	err string
}

func (c *Client) plan(req Request) plan {
	p := plan{
		step:       Step(req.End.Sub(req.Start), c.MinStep),
		windowStep: WindowStep(req.Targets.Window, c.MinStep),
	}
	p.incidentRange = max(req.End.Sub(req.Start).Round(time.Second), c.MinRange, time.Second)
	data := config.QueryData{Service: EscapeLabelValue(req.Service), Labels: escapeLabels(req.Labels)}
	var errs []string
	for _, r := range []struct {
		dst *config.Queries
		rng time.Duration
	}{
		{&p.incident, RateRange(p.step, c.MinRange)},
		{&p.windowSeries, RateRange(p.windowStep, c.MinRange)},
		{&p.overIncident, p.incidentRange},
		{&p.overWindow, max(req.Targets.Window, time.Second)},
	} {
		data.Range = PromDuration(r.rng)
		q, err := req.Queries.Render(data)
		if err != nil {
			errs = append(errs, err.Error())
		}
		*r.dst = q
	}
	if len(errs) > 0 {
		p.err = "query template does not render: " + errs[0]
	}
	return p
}

// EscapeLabelValue escapes v for a PromQL double-quoted string: backslashes,
// double quotes and line breaks.
func EscapeLabelValue(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(v)
}

func escapeLabels(labels map[string]string) map[string]string {
	out := make(map[string]string, len(labels))
	for k, v := range labels {
		out[k] = EscapeLabelValue(v)
	}
	return out
}

// niceSteps are the steps a range query may use, in order.
var niceSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// IncidentPoints is about how many samples a range query over an incident
// returns: enough to see a spike, few enough to stay quick.
const IncidentPoints = 250

// WindowPoints is about how many samples the SLO-window range query returns:
// a 30-day window gives a 5-minute step (8,640 samples), under Prometheus's
// limit of 11,000 points per series.
const WindowPoints = 10000

// Step returns the step of a range query over an incident of length d:
// d / IncidentPoints rounded up to the next nice step (1s, 2s, 5s, 10s, 15s,
// 30s, 1m, 2m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, then whole
// days), and never below minStep.
func Step(d, minStep time.Duration) time.Duration {
	return max(nice(d/IncidentPoints), minStep)
}

// WindowStep returns the step of the range query over an SLO window of
// length w: w / WindowPoints rounded up the same way, never below minStep.
func WindowStep(w, minStep time.Duration) time.Duration {
	return max(nice(w/WindowPoints), minStep)
}

func nice(d time.Duration) time.Duration {
	for _, s := range niceSteps {
		if d <= s {
			return s
		}
	}
	day := 24 * time.Hour
	return (d + day - 1) / day * day
}

// RateRange returns the range of rate() for a step: the step itself, so that
// consecutive samples cover the window without overlap, but at least
// minRange so that rate() sees two scrapes.
func RateRange(step, minRange time.Duration) time.Duration {
	return max(step, minRange)
}

// PromDuration writes d as PromQL writes durations: "30d", "1h30m", "15s".
func PromDuration(d time.Duration) string {
	return model.Duration(d).String()
}
