package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// MustWriteConfig writes content to a hindsight.yaml in a temporary directory
// and returns its path.
func MustWriteConfig(tb testing.TB, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "hindsight.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// loadYAML writes yaml to a config file in a temporary directory and loads it.
func loadYAML(tb testing.TB, yaml string) (*config.Config, error) {
	tb.Helper()
	return config.Load(MustWriteConfig(tb, yaml))
}

// MustLoad loads path and fails the test on an error.
func MustLoad(tb testing.TB, path string) *config.Config {
	tb.Helper()
	c, err := config.Load(path)
	if err != nil {
		tb.Fatalf("load %s: %v", path, err)
	}
	return c
}

func TestLoad(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		c := MustLoad(t, "")
		if !reflect.DeepEqual(c, config.Default()) {
			t.Fatalf("Load(\"\") differs from Default():\n%s", c.Redacted())
		}
		if c.Source() != "" {
			t.Fatalf("source %q", c.Source())
		}
	})

	t.Run("EmptyFile", func(t *testing.T) {
		c := MustLoad(t, MustWriteConfig(t, "# nothing set\n"))
		if c.Webhook.BodyLimit != 5<<20 || c.SLO.Availability != 99.9 {
			t.Fatalf("defaults not kept:\n%s", c.Redacted())
		}
	})

	t.Run("ExampleFileGivesDefaults", func(t *testing.T) {
		c := MustLoad(t, filepath.Join("..", "hindsight.example.yaml"))
		want := config.Default()
		if string(c.Server.DB) != filepath.Join("..", "hindsight.db") {
			t.Errorf("db %q is not relative to the file", c.Server.DB)
		}
		c.Server.DB = want.Server.DB
		if got, want := c.Redacted(), want.Redacted(); got != want {
			t.Fatalf("hindsight.example.yaml differs from the defaults:\n got:\n%s\nwant:\n%s", got, want)
		}
	})

	t.Run("DocumentedExample", func(t *testing.T) {
		doc, err := os.ReadFile(filepath.Join("..", "docs", "configuration.md"))
		if err != nil {
			t.Fatal(err)
		}
		_, example, ok := strings.Cut(string(doc), "## Complete example\n\n```yaml\n")
		example, _, closed := strings.Cut(example, "```")
		if !ok || !closed {
			t.Fatal("docs/configuration.md has no complete example")
		}
		c := MustLoad(t, MustWriteConfig(t, example))
		if c.ServiceSLO("checkout").Availability != 99.95 || c.Author != "parallels" {
			t.Fatalf("example not read:\n%s", c.Redacted())
		}
	})

	t.Run("FullFile", func(t *testing.T) {
		c := MustLoad(t, "testdata/full.yaml")
		for _, tt := range []struct {
			name      string
			got, want any
		}{
			{"slo.availability", c.SLO.Availability, 99.5},
			{"slo.latency_p99", c.SLO.LatencyP99.Std(), time.Second},
			{"slo.freshness", c.SLO.Freshness.Std(), 90 * time.Minute},
			{"slo.window", c.SLO.Window.Std(), 28 * 24 * time.Hour},
			{"slo.queries.error_ratio kept from file", strings.HasPrefix(c.SLO.Queries.ErrorRatio, "sum(rate(requests_failed_total"), true},
			{"slo.queries.request_rate default", c.SLO.Queries.RequestRate, config.DefaultQueries().RequestRate},
			{"severity.labels", c.Severity.Labels, []string{"priority"}},
			{"severity.map replaces the default", c.Severity.Map, map[string]hindsight.Severity{"P1": hindsight.SEV1, "P2": hindsight.SEV2}},
			{"severity.default", c.Severity.Default, hindsight.SEV4},
			{"severity.draft_min_severity", c.Severity.DraftMinSeverity, hindsight.SEV3},
			{"labels", c.Labels, hindsight.LabelRules{Service: []string{"app"}, Region: []string{"cluster"}}},
			{"template relative to the file", c.Template, filepath.Join("testdata", "templates", "team.md.tmpl")},
			{"author", c.Author, "oncall-bot"},
			{"server", c.Server, config.ServerConfig{Addr: "0.0.0.0:9000", DB: "/var/lib/hindsight/hindsight.db", BaseURL: "https://hindsight.example.com"}},
			{"webhook.token", string(c.Webhook.Token), "s3cr3t-webhook-token"},
			{"webhook.basic_auth", c.Webhook.BasicAuth, config.BasicAuth{Username: "alertmanager", Password: "s3cr3t-basic-password"}},
			{"webhook.body_limit", c.Webhook.BodyLimit, config.Size(1 << 20)},
			{"webhook.reopen_window", c.Webhook.ReopenWindow.Std(), 30 * time.Minute},
			{"webhook.raw_retention", c.Webhook.RawRetention.Std(), 7 * 24 * time.Hour},
			{"prometheus.url", c.Prometheus.URL, "http://prometheus.example.com:9090"},
			{"prometheus.timeout", c.Prometheus.Timeout.Std(), 20 * time.Second},
			{"prometheus.bearer_token", string(c.Prometheus.BearerToken), "s3cr3t-prometheus-token"},
			{"source", c.Source(), "testdata/full.yaml"},
			{"severity.draft_min_severity", c.Severity.DraftMinSeverity, hindsight.SEV3},
		} {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("%s: got %#v, want %#v", tt.name, tt.got, tt.want)
			}
		}
	})

	for _, tt := range []struct {
		name string
		path string
		want []string // substrings of the error message
	}{
		{"ErrUnknownKey", "testdata/unknown-key.yaml", []string{
			`testdata/unknown-key.yaml:3: unknown key "foo"`,
			`testdata/unknown-key.yaml:6: unknown key "webhook.tokn": webhook accepts basic_auth, body_limit`,
		}},
		{"ErrBadSeverity", "testdata/bad-severity.yaml", []string{
			`severity.map.critical: must be one of SEV1 to SEV5, got "SEV0"`,
			`severity.default: must be one of SEV1 to SEV5, got "urgent"`,
			`severity.draft_min_severity: must be one of SEV1 to SEV5, got "SEV9"`,
		}},
		{"ErrBadDuration", "testdata/bad-duration.yaml", []string{
			`testdata/bad-duration.yaml:2: cannot read duration "30 days"`,
			`testdata/bad-duration.yaml:4: duration "15" has no unit`,
			`testdata/bad-duration.yaml:6: cannot read duration "soon"`,
		}},
		{"ErrBadYAML", "testdata/bad-yaml.yaml", []string{`testdata/bad-yaml.yaml:3: mapping values are not allowed`}},
		{"ErrBadValues", "testdata/bad-values.yaml", []string{
			"invalid configuration testdata/bad-values.yaml",
			"slo.availability: must be a percentage",
			"slo.services.api.window: must be positive",
			"slo.services.api.queries.latency_p95: is not a valid template",
			"severity.labels: contains an empty label name",
			"server.addr: must be host:port",
			"server.base_url: must be an absolute http or https URL",
			"webhook.body_limit: must be positive",
			"webhook.basic_auth: needs both username and password",
			"prometheus.url: must be an absolute http or https URL",
			"prometheus.bearer_token: cannot be combined with prometheus.basic_auth",
		}},
		{"ErrMissingFile", "testdata/does-not-exist.yaml", []string{"cannot read configuration", "does-not-exist.yaml", "HINDSIGHT_CONFIG"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(tt.path)
			if code := hindsight.ErrorCode(err); code != hindsight.EINVALID {
				t.Fatalf("code %q, want %q (%v)", code, hindsight.EINVALID, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}

	t.Run("ErrUnknownKeyNested", func(t *testing.T) {
		path := MustWriteConfig(t, "slo:\n  services:\n    api:\n      availabilty: 99\n      queries:\n        latency: x\n")
		_, err := config.Load(path)
		for _, w := range []string{
			path + `:4: unknown key "slo.services.api.availabilty"`,
			path + `:6: unknown key "slo.services.api.queries.latency"`,
		} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("error does not contain %q:\n%v", w, err)
			}
		}
	})

	t.Run("ErrWrongType", func(t *testing.T) {
		path := MustWriteConfig(t, "slo:\n  availability: high\n")
		_, err := config.Load(path)
		if err == nil || !strings.Contains(err.Error(), path+":2: cannot unmarshal") {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ErrCredentialsInPrometheusURL", func(t *testing.T) {
		path := MustWriteConfig(t, "prometheus:\n  url: http://u:hunter2@prom:9090\n")
		_, err := config.Load(path)
		if err == nil || !strings.Contains(err.Error(), "prometheus.url: must not hold credentials") || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ErrRedactedSecretPasted", func(t *testing.T) {
		path := MustWriteConfig(t, "webhook:\n  token: <secret>\n")
		_, err := config.Load(path)
		if err == nil || !strings.Contains(err.Error(), path+`:2: the value is "<secret>"`) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestConfig_ServiceSLO(t *testing.T) {
	c := MustLoad(t, "testdata/full.yaml")
	base := hindsight.SLOTargets{
		Availability: 99.5, ErrorRate: 0.5, LatencyP95: 300 * time.Millisecond, LatencyP99: time.Second,
		Freshness: 90 * time.Minute, Window: 28 * 24 * time.Hour,
	}
	checkout, batch := base, base
	checkout.Availability, checkout.LatencyP95 = 99.95, 200*time.Millisecond
	batch.ErrorRate, batch.Freshness = 0, 36*time.Hour
	for _, tt := range []struct {
		service string
		want    hindsight.SLOTargets
	}{
		{"unknown", base},
		{"", base},
		{"checkout", checkout},
		{"batch", batch}, // an explicit 0 is kept, not replaced by the default
	} {
		t.Run(tt.service, func(t *testing.T) {
			if got := c.ServiceSLO(tt.service); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	t.Run("DefaultBudget", func(t *testing.T) {
		if got := config.Default().ServiceSLO("api").BudgetMinutes(); got < 43.199 || got > 43.201 {
			t.Fatalf("budget %v minutes, want 43.2", got)
		}
	})
}

func TestConfig_QueriesFor(t *testing.T) {
	c := MustLoad(t, "testdata/full.yaml")
	q := c.QueriesFor("checkout")
	if q.RequestRate != "sum(rate(checkout_requests_total[{{.Range}}]))" {
		t.Errorf("service query not used: %q", q.RequestRate)
	}
	if q.ErrorRatio != c.SLO.Queries.ErrorRatio || q.LatencyP95 != config.DefaultQueries().LatencyP95 {
		t.Errorf("default queries not kept: %+v", q)
	}

	t.Run("Render", func(t *testing.T) {
		got, err := config.DefaultQueries().Render(config.QueryData{Service: "api", Labels: map[string]string{"job": "api"}, Range: "5m"})
		if err != nil {
			t.Fatal(err)
		}
		want := `sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))`
		if got.ErrorRatio != want {
			t.Errorf("error ratio\n got %s\nwant %s", got.ErrorRatio, want)
		}
		if !strings.HasPrefix(got.LatencyP99, "histogram_quantile(0.99, ") || strings.Contains(got.LatencyP99, "{{") {
			t.Errorf("latency p99 %s", got.LatencyP99)
		}
	})
	t.Run("RenderLabels", func(t *testing.T) {
		q := config.Queries{RequestRate: `sum(rate(x{job="{{.Labels.job}}",team="{{.Labels.team}}"}[{{.Range}}]))`}
		got, err := q.Render(config.QueryData{Labels: map[string]string{"job": "web"}, Range: "1m"})
		if err != nil {
			t.Fatal(err)
		}
		if want := `sum(rate(x{job="web",team=""}[1m]))`; got.RequestRate != want || got.ErrorRatio != "" {
			t.Fatalf("got %+v, want request rate %s and nothing else", got, want)
		}
	})
}

func TestResolve(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	t.Run("FlagWinsOverEnv", func(t *testing.T) {
		c, path, err := config.Resolve("testdata/full.yaml", env(map[string]string{config.EnvConfig: "testdata/unknown-key.yaml"}))
		if err != nil || path != "testdata/full.yaml" || c.Author != "oncall-bot" {
			t.Fatalf("path %q, err %v", path, err)
		}
	})
	t.Run("PathFromEnv", func(t *testing.T) {
		c, path, err := config.Resolve("", env(map[string]string{config.EnvConfig: "testdata/full.yaml"}))
		if err != nil || path != "testdata/full.yaml" || c.Author != "oncall-bot" {
			t.Fatalf("path %q, err %v", path, err)
		}
	})
	t.Run("NoPath", func(t *testing.T) {
		c, path, err := config.Resolve("", env(nil))
		if err != nil || path != "" || !reflect.DeepEqual(c, config.Default()) {
			t.Fatalf("path %q, err %v", path, err)
		}
	})
	t.Run("Overrides", func(t *testing.T) {
		c, _, err := config.Resolve("testdata/full.yaml", env(map[string]string{
			config.EnvDB:            "postgres://hindsight:pw@127.0.0.1/hindsight",
			config.EnvAddr:          "127.0.0.1:0",
			config.EnvWebhookToken:  "from-env",
			config.EnvPrometheusURL: "http://127.0.0.1:9091",
		}))
		if err != nil {
			t.Fatal(err)
		}
		got := []string{string(c.Server.DB), c.Server.Addr, string(c.Webhook.Token), c.Prometheus.URL}
		want := []string{"postgres://hindsight:pw@127.0.0.1/hindsight", "127.0.0.1:0", "from-env", "http://127.0.0.1:9091"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
	t.Run("ErrBadOverrideNamesVariable", func(t *testing.T) {
		_, _, err := config.Resolve("", env(map[string]string{config.EnvPrometheusURL: "localhost:9090"}))
		if err == nil || !strings.Contains(err.Error(), "prometheus.url: must be an absolute http or https URL") ||
			!strings.Contains(err.Error(), "(set by HINDSIGHT_PROMETHEUS_URL)") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrFileFromEnv", func(t *testing.T) {
		_, path, err := config.Resolve("", env(map[string]string{config.EnvConfig: "testdata/bad-yaml.yaml"}))
		if err == nil || path != "testdata/bad-yaml.yaml" {
			t.Fatalf("path %q, err %v", path, err)
		}
	})
}
