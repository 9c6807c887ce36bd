package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/teststore"
	"gopkg.in/yaml.v3"
)

// deployDir is the repository's deploy/ directory.
var deployDir = filepath.Join("..", "..", "deploy")

// metricName finds the names of Hindsight's and the Go client's metrics in
// PromQL expressions.
var metricName = regexp.MustCompile(`\b(?:hindsight|go_sql|go_memstats|process)_[a-z0-9_]+\b`)

// servedMetrics starts the server and returns the names of every series
// family that /metrics serves, histograms' _bucket, _sum and _count
// included.
func servedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	m := MustRunMain(t, teststore.SQLiteDSN(t), nil)
	resp, err := http.Get(m.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	names := map[string]bool{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "#" || f[1] != "TYPE" {
			continue
		}
		names[f[2]] = true
		if f[3] == "histogram" || f[3] == "summary" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[f[2]+s] = true
			}
		}
	}
	return names
}

// dashboard is the part of a Grafana dashboard the test reads.
type dashboard struct {
	Title  string `json:"title"`
	UID    string `json:"uid"`
	Panels []struct {
		ID      int    `json:"id"`
		Type    string `json:"type"`
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// rulesFile is a Prometheus rule file.
type rulesFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readRules(t *testing.T) rulesFile {
	t.Helper()
	var rf rulesFile
	mustDecodeYAML(t, filepath.Join(deployDir, "prometheus", "hindsight-rules.yml"), &rf)
	if len(rf.Groups) == 0 {
		t.Fatal("no rule group")
	}
	return rf
}

func mustDecodeYAML(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestDeploy_MetricsExist checks that every metric the Grafana dashboard
// and the alerting rules name is one that the server serves: a renamed
// metric breaks this test, not a dashboard in production.
func TestDeploy_MetricsExist(t *testing.T) {
	t.Parallel()
	served := servedMetrics(t)
	for _, want := range []string{"hindsight_build_info", "hindsight_incidents_open", "hindsight_postmortems",
		"hindsight_action_items_overdue", "hindsight_worker_runs_total", "go_sql_open_connections"} {
		if !served[want] {
			t.Errorf("/metrics does not serve %s", want)
		}
	}
	b, err := os.ReadFile(filepath.Join(deployDir, "grafana", "hindsight-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatal("dashboard: trailing data after the JSON object")
	}
	if d.Title == "" || d.UID == "" {
		t.Errorf("dashboard without title or uid: %q %q", d.Title, d.UID)
	}
	ids := map[int]bool{}
	exprs := map[string]string{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d used twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs["panel "+p.Title] += tg.Expr + "\n"
		}
	}
	if len(exprs) < 10 {
		t.Errorf("dashboard has %d panels with queries, want at least 10", len(exprs))
	}
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			exprs["alert "+r.Alert] = r.Expr
		}
	}
	for where, expr := range exprs {
		names := metricName.FindAllString(expr, -1)
		if len(names) == 0 {
			t.Errorf("%s: no metric of Hindsight in %q", where, expr)
		}
		for _, n := range names {
			if !served[n] {
				t.Errorf("%s uses %s, which /metrics does not serve", where, n)
			}
		}
	}
}

// promtoolTests is a promtool rule test file, as far as the test reads it.
type promtoolTests struct {
	RuleFiles          []string `yaml:"rule_files"`
	EvaluationInterval string   `yaml:"evaluation_interval"`
	Tests              []struct {
		Interval      string `yaml:"interval"`
		InputSeries   []any  `yaml:"input_series"`
		AlertRuleTest []struct {
			EvalTime  string           `yaml:"eval_time"`
			Alertname string           `yaml:"alertname"`
			ExpAlerts []map[string]any `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// TestDeploy_EveryAlertHasUnitTests checks that each alerting rule has a
// promtool unit test in which it fires and one in which it stays silent
// (scripts/test.sh runs promtool test rules on these files), and that
// every alert has a summary, a description, a runbook link that names a
// section of docs/operations.md, and a severity.
func TestDeploy_EveryAlertHasUnitTests(t *testing.T) {
	t.Parallel()
	fires, silent := map[string]bool{}, map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(deployDir, "prometheus", "*.test.yml"))
	if len(files) == 0 {
		t.Fatal("no promtool test file")
	}
	for _, f := range files {
		var pt promtoolTests
		mustDecodeYAML(t, f, &pt)
		for _, tc := range pt.Tests {
			for _, a := range tc.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					fires[a.Alertname] = true
				} else {
					silent[a.Alertname] = true
				}
			}
		}
	}
	ops, err := os.ReadFile(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	var alerts []string
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			alerts = append(alerts, r.Alert)
			if !fires[r.Alert] || !silent[r.Alert] {
				t.Errorf("alert %s: unit tests where it fires: %v, where it stays silent: %v; want both", r.Alert, fires[r.Alert], silent[r.Alert])
			}
			for _, k := range []string{"summary", "description", "runbook_url"} {
				if r.Annotations[k] == "" {
					t.Errorf("alert %s has no %s", r.Alert, k)
				}
			}
			if r.Labels["severity"] == "" {
				t.Errorf("alert %s has no severity label", r.Alert)
			}
			anchor := strings.ToLower(r.Alert)
			if !strings.HasSuffix(r.Annotations["runbook_url"], "docs/operations.md#"+anchor) || !strings.Contains(string(ops), "### "+r.Alert) {
				t.Errorf("alert %s: runbook_url %q must point at a section \"### %s\" of docs/operations.md", r.Alert, r.Annotations["runbook_url"], r.Alert)
			}
		}
	}
	sort.Strings(alerts)
	if len(alerts) < 4 {
		t.Errorf("alerts %v: want webhook rejections, intake errors, workers failing, overdue actions growing", alerts)
	}
}
