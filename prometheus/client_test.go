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
	"github.com/hindsight-sre/hindsight/prometheus"
)

var t0 = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// request is a one-hour incident of service "api" with the default targets.
func request() prometheus.Request {
	return prometheus.Request{
		Start: t0, End: t0.Add(time.Hour), Service: "api",
		Targets: hindsight.DefaultSLOTargets(), Queries: testQueries,
	}
}

// healthy answers like a Prometheus watching 100 requests per second with
// 5% errors from five minutes before the alert to half an hour after it.
func healthy(c call) (int, string) {
	breach := func(t time.Time) bool { return !t.Before(t0.Add(-5*time.Minute)) && !t.After(t0.Add(30*time.Minute)) }
	switch metric := metricOf(c.query); {
	case c.path == "/api/v1/query" && metric == "ratio":
		return http.StatusOK, vector(c, 0.025)
	case c.path == "/api/v1/query" && metric == "rps":
		return http.StatusOK, vector(c, 100)
	case metric == "ratio":
		return http.StatusOK, matrix(c, func(t time.Time) float64 {
			if breach(t) {
				return 0.05
			}
			return 0
		}, nil)
	case metric == "p95":
		return http.StatusOK, matrix(c, func(t time.Time) float64 { return 0.3 }, nil)
	case metric == "p99":
		return http.StatusOK, matrix(c, func(t time.Time) float64 {
			if t.Equal(t0.Add(10 * time.Minute)) {
				return 0.8
			}
			return 0.4
		}, nil)
	case metric == "fresh":
		return http.StatusOK, matrix(c, func(t time.Time) float64 { return 120 }, nil)
	}
	return http.StatusBadRequest, `{"status":"error","errorType":"bad_data","error":"unknown test query"}`
}

func newClient(t *testing.T, cfg config.PrometheusConfig) *prometheus.Client {
	t.Helper()
	c, err := prometheus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClient_Impact(t *testing.T) {
	fake := startFake(t, healthy)
	imp := newClient(t, config.PrometheusConfig{URL: fake.URL}).Impact(context.Background(), request())
	for _, c := range []struct {
		name string
		got  hindsight.Figure
		want float64
	}{
		{"Availability", imp.Availability, 97.5},
		{"PeakErrorRate", imp.PeakErrorRate, 5},
		{"LatencyP95", imp.LatencyP95, 300},
		{"LatencyP99", imp.LatencyP99, 800},
		{"MaxStaleness", imp.MaxStaleness, 2},
		{"MonthlyBudget", imp.MonthlyBudget, 43.2},
		{"Downtime", imp.Downtime, 30},
		{"BudgetConsumed", imp.BudgetConsumed, 100 * 30 / 43.2},
		// The window query's 5-minute step sees eight breaching steps.
		{"BudgetRemaining", imp.BudgetRemaining, 43.2 - 40},
		// 2.5% of 360,000 requests over 0.1% of 259,200,000.
		{"ErrorBudgetConsumed", imp.ErrorBudgetConsumed, 100 * 9000 / 259200.0},
	} {
		if !c.got.Measured || math.Abs(c.got.Value-c.want) > 1e-6 {
			t.Errorf("%s = %+v, want %v", c.name, c.got, c.want)
		}
	}
	if want := t0.Add(-5 * time.Minute); !imp.ImpactStart.At.Equal(want) {
		t.Errorf("ImpactStart = %+v, want %v", imp.ImpactStart, want)
	}
	if !strings.Contains(imp.Availability.Query, `range="1h"`) || !imp.Availability.Start.Equal(t0) {
		t.Errorf("Availability source = %q from %v, want the 1h query from the alert", imp.Availability.Query, imp.Availability.Start)
	}
}

// TestClient_Queries checks what the client asks: steps, ranges, time
// ranges and escaped label values.
func TestClient_Queries(t *testing.T) {
	fake := startFake(t, healthy)
	req := request()
	req.Service = `we"ird\svc`
	newClient(t, config.PrometheusConfig{URL: fake.URL}).Impact(context.Background(), req)
	want := map[string]call{ // by path and query
		"/api/v1/query_range " + `ratio{job="we\"ird\\svc",range="1m"}`: {start: t0.Add(-time.Hour), end: t0.Add(time.Hour), step: 15 * time.Second},
		"/api/v1/query_range " + `p95{job="we\"ird\\svc"}`:              {start: t0, end: t0.Add(time.Hour), step: 15 * time.Second},
		"/api/v1/query_range " + `ratio{job="we\"ird\\svc",range="5m"}`: {start: t0.Add(time.Hour - 30*24*time.Hour), end: t0.Add(time.Hour), step: 5 * time.Minute},
		"/api/v1/query " + `ratio{job="we\"ird\\svc",range="1h"}`:       {t: t0.Add(time.Hour)},
		"/api/v1/query " + `rps{job="we\"ird\\svc",range="1h"}`:         {t: t0.Add(time.Hour)},
		"/api/v1/query " + `rps{job="we\"ird\\svc",range="30d"}`:        {t: t0.Add(time.Hour)},
	}
	calls := fake.recorded()
	if len(calls) != 8 {
		t.Errorf("%d queries, want 8", len(calls))
	}
	for _, c := range calls {
		key := c.path + " " + c.query
		w, ok := want[key]
		if !ok {
			continue
		}
		delete(want, key)
		if !c.start.Equal(w.start) || !c.end.Equal(w.end) || c.step != w.step || !c.t.Equal(w.t) {
			t.Errorf("%s: start %v end %v step %v time %v, want %+v", key, c.start, c.end, c.step, c.t, w)
		}
	}
	for key := range want {
		t.Errorf("no query %s", key)
	}
}

func TestClient_Auth(t *testing.T) {
	tests := []struct {
		name string
		cfg  config.PrometheusConfig
		want string
	}{
		{"None", config.PrometheusConfig{}, ""},
		{"Bearer", config.PrometheusConfig{BearerToken: "t0ken"}, "Bearer t0ken"},
		{"Basic", config.PrometheusConfig{BasicAuth: config.BasicAuth{Username: "u", Password: "p"}}, "Basic dTpw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := startFake(t, healthy)
			tt.cfg.URL = fake.URL
			newClient(t, tt.cfg).Impact(context.Background(), request())
			for _, c := range fake.recorded() {
				if c.auth != tt.want {
					t.Fatalf("Authorization = %q, want %q", c.auth, tt.want)
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	for _, u := range []string{"", "localhost:9090", "ftp://x", "http://"} {
		if _, err := prometheus.New(config.PrometheusConfig{URL: u}); err == nil {
			t.Errorf("New(%q): no error", u)
		}
	}
}

func TestStep(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name      string
		d, minStp time.Duration
		want      time.Duration
	}{
		{"ShortIncidentUsesMinimum", 5 * time.Minute, 15 * time.Second, 15 * time.Second},
		{"OneHour", time.Hour, 15 * time.Second, 15 * time.Second},
		{"TwoHours", 2 * time.Hour, 15 * time.Second, 30 * time.Second},
		{"OneDay", day, 15 * time.Second, 10 * time.Minute},
		{"TenDays", 10 * day, 15 * time.Second, time.Hour},
		{"ThousandDays", 1000 * day, 15 * time.Second, 4 * day},
		{"LowerMinimum", 30 * time.Second, time.Second, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := prometheus.Step(tt.d, tt.minStp); got != tt.want {
				t.Errorf("Step(%v) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
	if got := prometheus.WindowStep(30*day, 15*time.Second); got != 5*time.Minute {
		t.Errorf("WindowStep(30d) = %v, want 5m", got)
	}
	if got := prometheus.RateRange(15*time.Second, time.Minute); got != time.Minute {
		t.Errorf("RateRange(15s, 1m) = %v, want 1m", got)
	}
}

func TestEscapeLabelValue(t *testing.T) {
	for in, want := range map[string]string{
		`api`: `api`, `a"b`: `a\"b`, `a\b`: `a\\b`, "a\nb": `a\nb`, `\"`: `\\\"`,
	} {
		if got := prometheus.EscapeLabelValue(in); got != want {
			t.Errorf("EscapeLabelValue(%q) = %q, want %q", in, got, want)
		}
	}
}
