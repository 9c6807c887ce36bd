package prometheus

import (
	"context"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// graphSpec is one SLI graph: its query, unit and objective.
type graphSpec struct {
	name, title, unit string
	query             func(config.Queries) string
	scale             float64
	fold              combine
	threshold         func(hindsight.SLOTargets) *float64
}

func objective(v float64) *float64 { return &v }

// graphSpecs are the graphs of an incident, in document order.
var graphSpecs = []graphSpec{
	{hindsight.GraphErrorRatio, "Error ratio", "%", func(q config.Queries) string { return q.ErrorRatio }, 100, combineMax,
		func(t hindsight.SLOTargets) *float64 { return objective(t.ErrorRate) }},
	{hindsight.GraphRequestRate, "Request rate", "req/s", func(q config.Queries) string { return q.RequestRate }, 1, combineSum,
		func(hindsight.SLOTargets) *float64 { return nil }},
	{hindsight.GraphLatencyP95, "Latency p95", "ms", func(q config.Queries) string { return q.LatencyP95 }, 1000, combineMax,
		func(t hindsight.SLOTargets) *float64 { return msObjective(t.LatencyP95) }},
	{hindsight.GraphLatencyP99, "Latency p99", "ms", func(q config.Queries) string { return q.LatencyP99 }, 1000, combineMax,
		func(t hindsight.SLOTargets) *float64 {
			if t.LatencyP99 == 0 {
				return msObjective(t.LatencyP95)
			}
			return msObjective(t.LatencyP99)
		}},
	{hindsight.GraphFreshness, "Data staleness", "minutes", func(q config.Queries) string { return q.Freshness }, 1.0 / 60, combineMax,
		func(t hindsight.SLOTargets) *float64 {
			if t.Freshness <= 0 {
				return nil
			}
			return objective(t.Freshness.Minutes())
		}},
}

func msObjective(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	return objective(float64(d) / float64(time.Millisecond))
}

// Graphs fetches the SLI series of req over [from, to], one graph per
// configured query (a query left empty gives no graph), each at about
// IncidentPoints samples. A failed query gives a graph with no points and
// the reason. The queries run concurrently, each bounded by c.Timeout.
func (c *Client) Graphs(ctx context.Context, req Request, from, to time.Time) []hindsight.Graph {
	step := Step(to.Sub(from), c.MinStep)
	data := config.QueryData{Service: EscapeLabelValue(req.Service), Labels: escapeLabels(req.Labels),
		Range: PromDuration(RateRange(step, c.MinRange))}
	queries, err := req.Queries.Render(data)
	tmplErr := ""
	if err != nil {
		tmplErr = "query template does not render: " + err.Error()
	}
	var out []hindsight.Graph
	for _, g := range graphSpecs {
		if g.query(req.Queries) == "" {
			continue
		}
		out = append(out, hindsight.Graph{Name: g.name, Title: g.title, Unit: g.unit, Query: g.query(queries),
			Start: from.UTC(), End: to.UTC(), Step: step, Threshold: g.threshold(req.Targets), Points: []hindsight.Point{}})
	}
	var wg sync.WaitGroup
	for i := range out {
		spec := specNamed(out[i].Name)
		wg.Go(func() {
			s := c.rangeQuery(ctx, out[i].Query, tmplErr, span{start: from, end: to, step: step}, spec.fold)
			out[i].Reason = s.Reason
			out[i].Points = hindsight.GraphPoints(s.Samples, spec.scale)
		})
	}
	wg.Wait()
	return out
}

func specNamed(name string) graphSpec {
	for _, g := range graphSpecs {
		if g.name == name {
			return g
		}
	}
	return graphSpecs[0]
}
