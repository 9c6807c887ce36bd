package prometheus_test

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// failing answers like healthy except for queries of one metric.
func failing(metric string, a answer) answer {
	return func(c call) (int, string) {
		if metricOf(c.query) == metric {
			return a(c)
		}
		return healthy(c)
	}
}

// TestClient_Failures checks that each failure leaves only the figures
// that depend on the failing query "not measured", with a reason, and
// never panics.
func TestClient_Failures(t *testing.T) {
	tests := []struct {
		name     string
		answer   answer
		queries  func(q *config.Queries)
		reasons  map[string]string // figure → part of its reason or note
		measured []string
		// transient: whether the impact asks to be measured again.
		transient bool
	}{
		{
			name: "HTTPError",
			answer: failing("p95", func(call) (int, string) {
				return http.StatusBadGateway, "<html>bad gateway</html>"
			}),
			reasons:   map[string]string{"LatencyP95": "HTTP server error: 502"},
			measured:  []string{"LatencyP99", "Availability", "Downtime"},
			transient: true,
		},
		{
			name: "PromQLError",
			answer: failing("fresh", func(call) (int, string) {
				return http.StatusBadRequest, `{"status":"error","errorType":"bad_data","error":"1:6: parse error: unexpected \"}\""}`
			}),
			reasons:  map[string]string{"MaxStaleness": `PromQL error: 1:6: parse error`},
			measured: []string{"LatencyP95", "Availability"},
		},
		{
			name: "ExecutionError",
			answer: failing("rps", func(call) (int, string) {
				return 422, `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`
			}),
			// Availability needs the error ratio alone.
			reasons:  map[string]string{"ErrorBudgetConsumed": "could not run the query: many-to-many"},
			measured: []string{"Availability", "PeakErrorRate", "Downtime", "BudgetRemaining"},
		},
		{
			name:     "NoData",
			answer:   failing("p99", func(call) (int, string) { return http.StatusOK, emptyMatrix }),
			reasons:  map[string]string{"LatencyP99": "no data: the query matched no series"},
			measured: []string{"LatencyP95"},
		},
		{
			name: "NaN",
			answer: failing("p99", func(c call) (int, string) {
				return http.StatusOK, matrix(c, func(time.Time) float64 { return math.NaN() }, nil)
			}),
			reasons:  map[string]string{"LatencyP99": "only NaN or infinite values"},
			measured: []string{"LatencyP95"},
		},
		{
			name: "Gaps",
			answer: failing("ratio", func(c call) (int, string) {
				if c.path == "/api/v1/query" {
					return healthy(c)
				}
				return http.StatusOK, matrix(c, func(time.Time) float64 { return 0.05 },
					func(t time.Time) bool { return t.After(t0.Add(30 * time.Minute)) })
			}),
			reasons:  map[string]string{"Downtime": "data covers 50% of the range"},
			measured: []string{"Downtime", "PeakErrorRate"},
		},
		{
			name:     "MissingQuery",
			answer:   healthy,
			queries:  func(q *config.Queries) { q.LatencyP99 = "" },
			reasons:  map[string]string{"LatencyP99": "no query is configured for this figure"},
			measured: []string{"LatencyP95", "Availability"},
		},
		{
			name:    "BadTemplate",
			answer:  healthy,
			queries: func(q *config.Queries) { q.LatencyP95 = `p95{job="{{.Service"}` },
			reasons: map[string]string{
				"LatencyP95": "query template does not render", "Availability": "query template does not render",
			},
			measured: []string{"MonthlyBudget"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := startFake(t, tt.answer)
			req := request()
			if tt.queries != nil {
				tt.queries(&req.Queries)
			}
			imp := newClient(t, config.PrometheusConfig{URL: fake.URL}).Impact(context.Background(), req)
			checkFigures(t, imp, tt.reasons, tt.measured)
			if imp.Transient() != tt.transient {
				t.Errorf("Transient() = %v, want %v", imp.Transient(), tt.transient)
			}
		})
	}
}

// checkFigures asserts that each figure of reasons carries the text in its
// reason (or, when measured, its note) and that the others are measured.
func checkFigures(t *testing.T, imp hindsight.Impact, reasons map[string]string, measured []string) {
	t.Helper()
	figs := figures(imp)
	for name, want := range reasons {
		f := figs[name]
		text := f.Reason
		if f.Measured {
			text = f.Note
		} else if !strings.HasPrefix(f.Reason, "not measured: ") {
			t.Errorf("%s reason %q lacks the prefix", name, f.Reason)
		}
		if !strings.Contains(text, want) {
			t.Errorf("%s = %+v, want …%s…", name, f, want)
		}
	}
	for _, name := range measured {
		if !figs[name].Measured {
			t.Errorf("%s = %+v, want measured", name, figs[name])
		}
	}
}

// TestClient_FreshnessNotConfigured checks that Data Freshness without a
// query reads "not configured", not "not measured": nobody asked for it.
func TestClient_FreshnessNotConfigured(t *testing.T) {
	fake := startFake(t, healthy)
	req := request()
	req.Queries.Freshness = ""
	imp := newClient(t, config.PrometheusConfig{URL: fake.URL}).Impact(context.Background(), req)
	if got := imp.MaxStaleness.String(); got != "not configured" {
		t.Errorf("MaxStaleness = %q, want \"not configured\"", got)
	}
	if imp.Transient() {
		t.Error("an unconfigured freshness query must not schedule a retry")
	}
}

func TestClient_Unreachable(t *testing.T) {
	fake := startFake(t, healthy)
	fake.Close()
	imp := newClient(t, config.PrometheusConfig{URL: fake.URL}).Impact(context.Background(), request())
	checkFigures(t, imp, map[string]string{
		"Availability": "Prometheus unreachable at " + fake.URL, "LatencyP95": "connection refused",
		"BudgetRemaining": "unreachable", "ImpactStart": "unreachable",
	}, []string{"MonthlyBudget"})
	if !imp.Transient() || !figures(imp)["BudgetConsumed"].Transient {
		t.Errorf("unreachable: Transient() = %v, budget consumed %+v; want transient, carried to derived figures",
			imp.Transient(), figures(imp)["BudgetConsumed"])
	}
}

// TestClient_Slow: the query that does not answer within the timeout is not
// measured and says so; the others are measured. The slow query answers only
// after the client has given up, and the timeout leaves the others ample
// time even on a loaded machine.
func TestClient_Slow(t *testing.T) {
	release := make(chan struct{})
	fake := startFake(t, failing("p99", func(c call) (int, string) {
		<-release
		return healthy(c)
	}))
	t.Cleanup(func() { close(release) }) // before the server's Close waits for the handler
	c := newClient(t, config.PrometheusConfig{URL: fake.URL, Timeout: config.Duration(2 * time.Second)})
	imp := c.Impact(context.Background(), request())
	checkFigures(t, imp, map[string]string{"LatencyP99": "Prometheus did not answer within 2s"},
		[]string{"LatencyP95", "Availability", "Downtime"})
	if !imp.Transient() {
		t.Error("a query that timed out must schedule a retry")
	}
}

func TestClient_EmptyWindow(t *testing.T) {
	fake := startFake(t, healthy)
	req := request()
	req.End = req.Start
	imp := newClient(t, config.PrometheusConfig{URL: fake.URL}).Impact(context.Background(), req)
	checkFigures(t, imp, map[string]string{"Availability": "incident window is empty"}, []string{"MonthlyBudget"})
	if n := len(fake.recorded()); n != 0 {
		t.Errorf("%d queries for an empty window, want none", n)
	}
}

func figures(imp hindsight.Impact) map[string]hindsight.Figure {
	return map[string]hindsight.Figure{
		"Availability": imp.Availability, "PeakErrorRate": imp.PeakErrorRate,
		"LatencyP95": imp.LatencyP95, "LatencyP99": imp.LatencyP99, "MaxStaleness": imp.MaxStaleness,
		"MonthlyBudget": imp.MonthlyBudget, "Downtime": imp.Downtime, "BudgetConsumed": imp.BudgetConsumed,
		"BudgetRemaining": imp.BudgetRemaining, "ErrorBudgetConsumed": imp.ErrorBudgetConsumed,
		"ImpactStart": imp.ImpactStart,
	}
}
