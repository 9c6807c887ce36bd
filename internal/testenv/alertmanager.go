package testenv

import (
	"strconv"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// AlertmanagerOptions configures an Alertmanager started by StartAlertmanager.
type AlertmanagerOptions struct {
	// WebhookURL receives every notification (webhook payload version 4),
	// resolved ones included. Required.
	WebhookURL string
	// BearerToken, when set, is sent as "Authorization: Bearer TOKEN".
	BearerToken string
	// GroupWait defaults to 1s.
	GroupWait time.Duration
	// GroupInterval defaults to 1s.
	GroupInterval time.Duration
	// RepeatInterval defaults to 1h.
	RepeatInterval time.Duration
	// GroupBy defaults to [alertname].
	GroupBy []string
	// ExtraArgs are appended to the prometheus-alertmanager command line.
	ExtraArgs []string
	// Cluster turns gossip on, on a free 127.0.0.1 port (Alertmanager's
	// ClusterAddress), joining ClusterPeers: two Alertmanagers so started
	// share their silences as an HA pair does.
	Cluster      bool
	ClusterPeers []string
}

// Alertmanager is a running Alertmanager.
type Alertmanager struct {
	// URL is its base URL, such as http://127.0.0.1:41235: what
	// PrometheusOptions.AlertmanagerURL takes, and the externalURL of every
	// notification it sends.
	URL string
	// ConfigFile is the path of the generated alertmanager.yml.
	ConfigFile string
	// ClusterAddress is its gossip address when started with Cluster.
	ClusterAddress string

	proc *process
}

// Log returns the last part of Alertmanager's output.
func (a *Alertmanager) Log() string { return a.proc.log.String() }

// StartAlertmanager runs the Alertmanager binary named by
// HINDSIGHT_TEST_ALERTMANAGER (default /usr/bin/prometheus-alertmanager)
// without clustering on a free 127.0.0.1 port, with one route to a webhook
// receiver built from opts, waits until it is ready, and stops it when the
// test ends. A missing binary skips the test, or fails it under CI=true.
func StartAlertmanager(t testing.TB, opts AlertmanagerOptions) *Alertmanager {
	t.Helper()
	if opts.WebhookURL == "" {
		t.Fatal("testenv: AlertmanagerOptions.WebhookURL is required")
	}
	bin := requireBinary(t, "Alertmanager", EnvAlertmanager, "/usr/bin/prometheus-alertmanager")
	dir := t.TempDir()

	config, err := alertmanagerConfig(opts)
	if err != nil {
		t.Fatalf("testenv: Alertmanager configuration: %v", err)
	}
	// An empty address turns the gossip cluster off.
	cluster := ""
	if opts.Cluster {
		cluster = "127.0.0.1:" + strconv.Itoa(FreePort(t))
	}
	flags := []string{"--cluster.listen-address=" + cluster, "--log.level=debug"}
	if opts.Cluster {
		flags = append(flags, "--cluster.advertise-address="+cluster, "--cluster.gossip-interval=50ms", "--cluster.pushpull-interval=1s")
		for _, p := range opts.ClusterPeers {
			flags = append(flags, "--cluster.peer="+p)
		}
	}
	flags = append(flags, opts.ExtraArgs...)
	proc, base, configFile := startServer(t, "alertmanager", bin, dir, "alertmanager.yml", config, "--storage.path", flags...)
	return &Alertmanager{URL: base, ConfigFile: configFile, ClusterAddress: cluster, proc: proc}
}

// alertmanagerConfig renders alertmanager.yml for opts.
func alertmanagerConfig(opts AlertmanagerOptions) ([]byte, error) {
	type credentials struct {
		Authorization struct {
			Credentials string `yaml:"credentials"`
		} `yaml:"authorization"`
	}
	type webhook struct {
		URL          string       `yaml:"url"`
		SendResolved bool         `yaml:"send_resolved"`
		HTTPConfig   *credentials `yaml:"http_config,omitempty"`
	}
	type receiver struct {
		Name           string    `yaml:"name"`
		WebhookConfigs []webhook `yaml:"webhook_configs"`
	}
	type route struct {
		Receiver       string   `yaml:"receiver"`
		GroupBy        []string `yaml:"group_by"`
		GroupWait      string   `yaml:"group_wait"`
		GroupInterval  string   `yaml:"group_interval"`
		RepeatInterval string   `yaml:"repeat_interval"`
	}
	type config struct {
		Route     route      `yaml:"route"`
		Receivers []receiver `yaml:"receivers"`
	}

	groupBy := opts.GroupBy
	if len(groupBy) == 0 {
		groupBy = []string{"alertname"}
	}
	hook := webhook{URL: opts.WebhookURL, SendResolved: true}
	if opts.BearerToken != "" {
		hook.HTTPConfig = &credentials{}
		hook.HTTPConfig.Authorization.Credentials = opts.BearerToken
	}
	c := config{
		Route: route{
			Receiver:       "hindsight",
			GroupBy:        groupBy,
			GroupWait:      promDuration(orDefault(opts.GroupWait, time.Second)),
			GroupInterval:  promDuration(orDefault(opts.GroupInterval, time.Second)),
			RepeatInterval: promDuration(orDefault(opts.RepeatInterval, time.Hour)),
		},
		Receivers: []receiver{{Name: "hindsight", WebhookConfigs: []webhook{hook}}},
	}
	return yaml.Marshal(c)
}
