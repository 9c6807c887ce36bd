package postmortem_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// rampSeries is a range series from start to end at step whose value is
// f(t).
func rampSeries(query string, start, end time.Time, step time.Duration, f func(t time.Time) float64) hindsight.Series {
	s := hindsight.Series{Query: query, Step: step}
	for t := start.Add(step); !t.After(end); t = t.Add(step) {
		s.Samples = append(s.Samples, hindsight.Sample{T: t, V: f(t)})
	}
	return s
}

// measuredImpact is the seed incident's impact: errors above the objective
// from 00:20 to 01:05, a p95 peak at 00:40, p99 timed out and freshness
// unreachable (a reason with a URL).
func measuredImpact(start, end time.Time) hindsight.Impact {
	step := 30 * time.Second
	ratio := func(t time.Time) float64 {
		switch {
		case !t.Before(at("00:20")) && t.Before(at("01:05")):
			return 0.05
		case !t.Before(at("01:05")) && t.Before(at("01:50")):
			return 0.0008
		}
		return 0.0002
	}
	targets := hindsight.DefaultSLOTargets()
	q := `sum(rate(http_requests_total{job="api",code=~"5.."}[1m])) / sum(rate(http_requests_total{job="api"}[1m]))`
	m := hindsight.Measurements{
		Start: start, End: end, Targets: targets,
		ErrorRatio: rampSeries(q, start.Add(-time.Hour), end, step, ratio),
		LatencyP95: rampSeries(`histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[1m])))`,
			start, end, step, func(t time.Time) float64 {
				return 0.2 + 0.3*math.Exp(-math.Abs(t.Sub(at("00:40")).Minutes())/5)
			}),
		LatencyP99:         hindsight.Series{Reason: "Prometheus did not answer within 10s"},
		Freshness:          hindsight.Series{Reason: "Prometheus unreachable at http://prometheus.example:9090: connect: connection refused"},
		WindowErrorRatio:   rampSeries(strings.ReplaceAll(q, "[1m]", "[5m]"), end.Add(-targets.Window), end, 5*time.Minute, ratio),
		IncidentErrorRatio: hindsight.Scalar{Value: 0.0215, Query: strings.ReplaceAll(q, "[1m]", "[1h46m]"), At: end, Range: end.Sub(start)},
		IncidentRequests:   hindsight.Scalar{Value: 120, Query: `sum(rate(http_requests_total{job="api"}[1h46m]))`, At: end, Range: end.Sub(start)},
		WindowRequests:     hindsight.Scalar{Value: 95.5, Query: `sum(rate(http_requests_total{job="api"}[30d]))`, At: end, Range: targets.Window},
	}
	return hindsight.ComputeImpact(m)
}

// measuredPostmortem is the resolved seed incident with its measured impact.
func measuredPostmortem() hindsight.Postmortem {
	pm := resolvedPostmortem()
	pm.Timeline = append(pm.Timeline[:0:0], pm.Timeline...)
	imp := measuredImpact(pm.Incident.StartedAt, *pm.Incident.ResolvedAt)
	pm.Impact = &imp
	return pm
}

func TestRender_Measured(t *testing.T) {
	got := MustRender(t, measuredPostmortem())
	assertGolden(t, "measured", got)
	for _, want := range []string{
		"- **Availability**: 97.85% uptime[^1] (SLO: 99.9%)",
		"- **Error Rate**: 5% peak[^2] (SLO: <0.1%)",
		"- **Latency**: p95 = 500 ms[^3], p99 = not measured: Prometheus did not answer within 10s (SLO: <500ms)",
		"- **Data Freshness**: Max staleness = not measured: Prometheus unreachable at <http://prometheus.example:9090>: connect: connection refused (SLO: <2 hours)",
		"- **Time to Detect**: 4 minutes[^4] (from issue start to alert firing)",
		"- Duration above SLO: 40 minutes 30 seconds[^8]",
		"- Peak error rate: 5%[^2]",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("document lacks the line %q", want)
		}
	}
	if sli, _, _ := strings.Cut(got, "### Business Impact"); strings.Contains(sli, "X%") || strings.Contains(sli, "Xms") {
		t.Error("a measured document still has placeholder figures in its impact sections")
	}
}

func TestParse_MeasuredImpact(t *testing.T) {
	pm := measuredPostmortem()
	doc := MustRender(t, pm)
	back := MustParse(t, []byte(doc))
	if back.Impact == nil {
		t.Fatal("Parse lost the measured impact")
	}
	if len(back.Document.Narrative.Extra) > 0 {
		t.Fatalf("sections kept as imported: %+v", back.Document.Narrative.Extra)
	}
	if again := MustRender(t, back); again != doc {
		t.Fatalf("Render(Parse(doc)) differs:\n%s", firstDiff(doc, again))
	}
	want, got := pm.Impact.Figures(), back.Impact.Figures()
	for i := range want {
		w, g := want[i].Figure, got[i].Figure
		// The document shows figures rounded for people: the value read
		// back is exactly the one the document shows.
		shown := w.Value
		if w.Measured && w.Unit != hindsight.UnitTime {
			var err error
			if shown, err = hindsight.ParseFigureText(w.String(), w.Unit); err != nil {
				t.Fatalf("%s: %v", want[i].Name, err)
			}
		}
		if w.Measured != g.Measured || w.Measured && (math.Abs(shown-g.Value) > 1e-9 || w.Query != g.Query ||
			!w.Start.Equal(g.Start) || !w.End.Equal(g.End) || w.Step != g.Step || !w.At.Equal(g.At)) ||
			!w.Measured && w.Reason != g.Reason {
			t.Errorf("%s:\n got %+v\nwant %+v", want[i].Name, g, w)
		}
	}
}
