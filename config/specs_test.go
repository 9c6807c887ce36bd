package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// TestSpecs_Examples loads SLO files copied from Sloth's, Pyrra's and
// OpenSLO's own examples (testdata/specs, sources in each file's header)
// and checks the objectives and queries each became.
func TestSpecs_Examples(t *testing.T) {
	dir := t.TempDir()
	specs := []string{"sloth-getting-started.yml", "pyrra-apiserver-request-errors.yaml", "pyrra-apiserver-request-latency.yaml",
		"openslo-ratio-timeslices.yaml", "openslo-occurrences-threshold.yaml"}
	var list strings.Builder
	for _, s := range specs {
		b, err := os.ReadFile(filepath.Join("testdata", "specs", s))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s), b, 0o644); err != nil {
			t.Fatal(err)
		}
		list.WriteString("    - " + s + "\n")
	}
	// The file's own override of one key wins over the spec's.
	path := filepath.Join(dir, "hindsight.yaml")
	yaml := "slo:\n  specs:\n" + list.String() + "  services:\n    web-shop:\n      availability: 99.5\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		service       string
		avail, errPct float64
		window        time.Duration
		errorRatio    string
		requestRate   string
	}{
		{"myservice", 99.9, 0.1, 30 * 24 * time.Hour,
			`(sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.Range}}]))) / (sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.Range}}])))`,
			`sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.Range}}]))`},
		{"apiserver-read-response-errors", 99.99, 0.01, 14 * 24 * time.Hour,
			`sum(rate(apiserver_request_total{job="apiserver",verb=~"LIST|GET",code=~"5.."}[{{.Range}}])) / sum(rate(apiserver_request_total{job="apiserver",verb=~"LIST|GET"}[{{.Range}}]))`,
			`sum(rate(apiserver_request_total{job="apiserver",verb=~"LIST|GET"}[{{.Range}}]))`},
		{"apiserver-write-response-errors", 99, 1, 7 * 24 * time.Hour,
			`sum(rate(apiserver_request_total{job="apiserver",verb=~"POST|PUT|PATCH|DELETE",code=~"5.."}[{{.Range}}])) / sum(rate(apiserver_request_total{job="apiserver",verb=~"POST|PUT|PATCH|DELETE"}[{{.Range}}]))`,
			`sum(rate(apiserver_request_total{job="apiserver",verb=~"POST|PUT|PATCH|DELETE"}[{{.Range}}]))`},
		{"apiserver-read-resource-request-latency", 99, 1, 14 * 24 * time.Hour,
			`1 - sum(rate(apiserver_request_duration_seconds_bucket{job="apiserver",scope=~"resource|",verb=~"LIST|GET",le="1"}[{{.Range}}])) / sum(rate(apiserver_request_duration_seconds_count{job="apiserver",scope=~"resource|",verb=~"LIST|GET"}[{{.Range}}]))`,
			`sum(rate(apiserver_request_duration_seconds_count{job="apiserver",scope=~"resource|",verb=~"LIST|GET"}[{{.Range}}]))`},
		{"web-shop", 99.5, 1, 14 * 24 * time.Hour, `1 - (Any) / (Any)`, `Any`},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			got := c.ServiceSLO(tt.service)
			if got.Availability != tt.avail || got.ErrorRate != tt.errPct || got.Window != tt.window {
				t.Errorf("objectives %+v, want availability %v, error rate %v, window %s", got, tt.avail, tt.errPct, tt.window)
			}
			q := c.QueriesFor(tt.service)
			if q.ErrorRatio != tt.errorRatio || q.RequestRate != tt.requestRate {
				t.Errorf("queries\n error_ratio  %s\n request_rate %s\nwant\n error_ratio  %s\n request_rate %s", q.ErrorRatio, q.RequestRate, tt.errorRatio, tt.requestRate)
			}
			// The rest stays the default.
			if q.LatencyP95 != config.DefaultQueries().LatencyP95 {
				t.Errorf("latency_p95 %q, want the default", q.LatencyP95)
			}
			rendered, err := q.Render(config.QueryData{Service: "x", Range: "5m"})
			if err != nil || strings.Contains(rendered.ErrorRatio, "{{") || (tt.service != "web-shop" && !strings.Contains(rendered.ErrorRatio, "[5m]")) {
				t.Errorf("rendered %q, %v", rendered.ErrorRatio, err)
			}
		})
	}
	// The threshold-metric OpenSLO SLO is reported, not applied.
	var lines []string
	for _, r := range c.SpecResults() {
		lines = append(lines, r.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		`sloth-getting-started.yml: Sloth prometheus/v1 "requests-availability" → service myservice: availability 99.9%; error_rate 0.1%`,
		`openslo-occurrences-threshold.yaml: OpenSLO v1 SLO "search-slo": skipped: only ratio metrics are read`,
		`pyrra-apiserver-request-latency.yaml: Pyrra ServiceLevelObjective "apiserver-read-resource-request-latency" → service apiserver-read-resource-request-latency: availability 99%; error_rate 1%; window 14d`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("results lack %q:\n%s", want, all)
		}
	}
}

// TestSpecs_SlothCRD checks that the Kubernetes form of a Sloth spec gives
// the same SLO as its prometheus/v1 form.
func TestSpecs_SlothCRD(t *testing.T) {
	parse := func(name string) config.SpecResult {
		b, err := os.ReadFile(filepath.Join("testdata", "specs", name))
		if err != nil {
			t.Fatal(err)
		}
		rs, err := config.ParseSpecs(name, b)
		if err != nil || len(rs) != 1 {
			t.Fatalf("%s: %v, %d results", name, err, len(rs))
		}
		return rs[0]
	}
	a, b := parse("sloth-getting-started.yml"), parse("sloth-k8s-getting-started.yml")
	if b.Format != "Sloth PrometheusServiceLevel" || a.Service != b.Service || *a.SLO.Availability != *b.SLO.Availability ||
		a.SLO.Queries != b.SLO.Queries || b.Skipped != "" {
		t.Errorf("CRD %+v\nwant the same SLO as %+v", b, a)
	}
}

func TestSpecs_Errors(t *testing.T) {
	for name, doc := range map[string]string{
		"NotYAML":   "slos: [",
		"NoSLO":     "foo: bar\n",
		"BadTarget": "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: x}\nspec: {target: \"abc\", window: 2w}\n",
	} {
		t.Run(name, func(t *testing.T) {
			rs, err := config.ParseSpecs(name+".yaml", []byte(doc))
			if name == "BadTarget" {
				if err != nil || len(rs) != 1 || !strings.Contains(rs[0].Skipped, "not a percentage") {
					t.Errorf("%+v, %v; want one skipped result", rs, err)
				}
				return
			}
			if hindsight.ErrorCode(err) != hindsight.EINVALID {
				t.Errorf("err %v, want EINVALID", err)
			}
		})
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "hindsight.yaml")
	os.WriteFile(path, []byte("slo:\n  specs: [missing.yml]\n"), 0o644)
	if _, err := config.Load(path); err == nil || !strings.Contains(err.Error(), "missing.yml") {
		t.Errorf("missing spec file: %v", err)
	}
}
