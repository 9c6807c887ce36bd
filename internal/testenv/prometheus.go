package testenv

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// PrometheusOptions configures a Prometheus started by StartPrometheus.
type PrometheusOptions struct {
	// RuleFiles are paths of rule files to load, as in prometheus.yml's
	// rule_files.
	RuleFiles []string
	// Rules, when not empty, is the content of one more rule file (YAML with
	// a top-level "groups:"), written to the test's temporary directory.
	Rules string
	// ScrapeTargets are host:port addresses scraped at /metrics by one job.
	ScrapeTargets []string
	// JobName is the scrape job's name, and so the job label of every scraped
	// series; "hindsight-test" when empty.
	JobName string
	// ScrapeInterval defaults to 1s.
	ScrapeInterval time.Duration
	// EvaluationInterval defaults to 1s.
	EvaluationInterval time.Duration
	// AlertmanagerURL, when set, is where firing and resolved alerts are
	// sent, such as Alertmanager.URL.
	AlertmanagerURL string
	// ExtraArgs are appended to the prometheus command line.
	ExtraArgs []string
}

// Prometheus is a running Prometheus server.
type Prometheus struct {
	// URL is the server's base URL, such as http://127.0.0.1:41234, for
	// the HTTP API (URL + "/api/v1/query").
	URL string
	// ConfigFile is the path of the generated prometheus.yml.
	ConfigFile string
	// DataDir is the TSDB directory (--storage.tsdb.path).
	DataDir string

	proc *process
}

// Stop stops the server now, before the test ends; a test that wants
// Prometheus to forget everything then removes DataDir.
func (p *Prometheus) Stop() { p.proc.stop() }

// Log returns the last part of the server's output.
func (p *Prometheus) Log() string { return p.proc.log.String() }

// StartPrometheus runs the Prometheus binary named by HINDSIGHT_TEST_PROMETHEUS
// (default /usr/bin/prometheus) on a free 127.0.0.1 port with a configuration
// built from opts and storage in a temporary directory, waits until it is
// ready, and stops it when the test ends. A missing binary skips the test, or
// fails it under CI=true.
func StartPrometheus(t testing.TB, opts PrometheusOptions) *Prometheus {
	t.Helper()
	bin := requireBinary(t, "Prometheus", EnvPrometheus, "/usr/bin/prometheus")
	dir := t.TempDir()

	ruleFiles := append([]string(nil), opts.RuleFiles...)
	if opts.Rules != "" {
		path := filepath.Join(dir, "rules.yml")
		if err := os.WriteFile(path, []byte(opts.Rules), 0o644); err != nil {
			t.Fatalf("testenv: write Prometheus rules: %v", err)
		}
		ruleFiles = append(ruleFiles, path)
	}
	config, err := prometheusConfig(opts, ruleFiles)
	if err != nil {
		t.Fatalf("testenv: Prometheus configuration: %v", err)
	}
	flags := append([]string{"--web.enable-lifecycle", "--log.level=info"}, opts.ExtraArgs...)
	proc, base, configFile := startServer(t, "prometheus", bin, dir, "prometheus.yml", config, "--storage.tsdb.path", flags...)
	return &Prometheus{URL: base, ConfigFile: configFile, DataDir: filepath.Join(dir, "data"), proc: proc}
}

// prometheusConfig renders prometheus.yml for opts.
func prometheusConfig(opts PrometheusOptions, ruleFiles []string) ([]byte, error) {
	type staticConfig struct {
		Targets []string `yaml:"targets"`
	}
	type scrapeConfig struct {
		JobName       string         `yaml:"job_name"`
		StaticConfigs []staticConfig `yaml:"static_configs"`
	}
	type alertmanagerConfig struct {
		Scheme        string         `yaml:"scheme"`
		PathPrefix    string         `yaml:"path_prefix,omitempty"`
		APIVersion    string         `yaml:"api_version"`
		StaticConfigs []staticConfig `yaml:"static_configs"`
	}
	type alertingConfig struct {
		Alertmanagers []alertmanagerConfig `yaml:"alertmanagers"`
	}
	type config struct {
		Global struct {
			ScrapeInterval     string `yaml:"scrape_interval"`
			ScrapeTimeout      string `yaml:"scrape_timeout"`
			EvaluationInterval string `yaml:"evaluation_interval"`
		} `yaml:"global"`
		RuleFiles     []string        `yaml:"rule_files,omitempty"`
		ScrapeConfigs []scrapeConfig  `yaml:"scrape_configs,omitempty"`
		Alerting      *alertingConfig `yaml:"alerting,omitempty"`
	}

	scrape := orDefault(opts.ScrapeInterval, time.Second)
	var c config
	c.Global.ScrapeInterval = promDuration(scrape)
	c.Global.ScrapeTimeout = promDuration(scrape)
	c.Global.EvaluationInterval = promDuration(orDefault(opts.EvaluationInterval, time.Second))
	c.RuleFiles = ruleFiles
	if len(opts.ScrapeTargets) > 0 {
		job := opts.JobName
		if job == "" {
			job = "hindsight-test"
		}
		c.ScrapeConfigs = []scrapeConfig{{
			JobName:       job,
			StaticConfigs: []staticConfig{{Targets: opts.ScrapeTargets}},
		}}
	}
	if opts.AlertmanagerURL != "" {
		u, err := url.Parse(opts.AlertmanagerURL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("AlertmanagerURL %q is not an absolute URL", opts.AlertmanagerURL)
		}
		c.Alerting = &alertingConfig{Alertmanagers: []alertmanagerConfig{{
			Scheme:        u.Scheme,
			PathPrefix:    u.Path,
			APIVersion:    "v2",
			StaticConfigs: []staticConfig{{Targets: []string{u.Host}}},
		}}}
	}
	return yaml.Marshal(c)
}

// promDuration formats d the way Prometheus and Alertmanager configuration
// files accept it; milliseconds express every duration they allow.
func promDuration(d time.Duration) string {
	return fmt.Sprintf("%dms", d.Milliseconds())
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
