package evidence_test

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/evidence"
)

func TestLinks(t *testing.T) {
	from := time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
	to := from.Add(2 * time.Hour)
	cfg := config.EvidenceConfig{
		DashboardURL: "https://grafana.example/d/default?var-service={{urlquery .Service}}",
		LogsURL:      "https://logs.example/search?q=service%3D{{urlquery .Service}}&from={{.Start}}&to={{.End}}",
		Services:     map[string]config.ServiceLinks{"checkout": {DashboardURL: "https://grafana.example/d/checkout?from=now-6h&to=now"}},
	}
	tests := []struct {
		name      string
		inc       hindsight.Incident
		dashboard string
		logs      string
	}{
		{"Annotation", hindsight.Incident{Services: []string{"api"}, Links: []hindsight.Link{{Kind: hindsight.LinkDashboard, URL: "https://grafana.example/d/api?orgId=1"}}},
			"https://grafana.example/d/api?from=1759190400000&orgId=1&to=1759197600000",
			"https://logs.example/search?q=service%3Dapi&from=2025-09-30T00:00:00Z&to=2025-09-30T02:00:00Z"},
		{"ServiceConfig", hindsight.Incident{Services: []string{"checkout"}},
			"https://grafana.example/d/checkout?from=1759190400000&to=1759197600000",
			"https://logs.example/search?q=service%3Dcheckout&from=2025-09-30T00:00:00Z&to=2025-09-30T02:00:00Z"},
		{"DefaultTemplate", hindsight.Incident{Services: []string{"a b&c"}},
			"https://grafana.example/d/default?from=1759190400000&to=1759197600000&var-service=a+b%26c",
			"https://logs.example/search?q=service%3Da+b%26c&from=2025-09-30T00:00:00Z&to=2025-09-30T02:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for _, f := range evidence.Links(cfg, &tt.inc, from, to) {
				got[f.Label] = f.Value
			}
			if got["Alert Dashboard"] != tt.dashboard || got["Log Analysis"] != tt.logs {
				t.Errorf("links %v\nwant dashboard %s\n     logs %s", got, tt.dashboard, tt.logs)
			}
		})
	}
	if n := len(evidence.Links(config.EvidenceConfig{}, &hindsight.Incident{}, from, to)); n != 0 {
		t.Errorf("%d links without any configuration or annotation", n)
	}
}

func TestPrometheusGraphURL(t *testing.T) {
	f := hindsight.Figure{Measured: true, Query: `sum(rate(x{job="api"}[1m])); other`, Start: time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC),
		End: time.Date(2025, 9, 30, 2, 10, 0, 0, time.UTC), Step: 30 * time.Second}
	want := "http://prom:9090/graph?g0.end_input=2025-09-30+02%3A10%3A00&g0.expr=sum%28rate%28x%7Bjob%3D%22api%22%7D%5B1m%5D%29%29&g0.range_input=106m&g0.step_input=30&g0.tab=0"
	if got := hindsight.PrometheusGraphURL("http://prom:9090/", f); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := hindsight.PrometheusGraphURL("", f); got != "" {
		t.Errorf("no base URL gave %q", got)
	}
}
