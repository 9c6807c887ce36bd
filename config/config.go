// Package config reads hindsight.yaml: one strict YAML file (unknown keys are
// errors naming the key and line), defaults for everything, and a few
// environment overrides. Secrets print as "<secret>" in every form.
//
// The package imports only the root package: the commands combine its
// values with the packages that use them (alertmanager.Mapping from
// Severity and Labels, the prometheus client from Prometheus and SLO).
package config

import (
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Config is the whole of hindsight.yaml.
type Config struct {
	SLO      SLOConfig            `yaml:"slo" json:"slo"`
	Severity SeverityConfig       `yaml:"severity" json:"severity"`
	Labels   hindsight.LabelRules `yaml:"labels" json:"labels"`
	// Template is the path of a team's own document template; "" means the
	// built-in one. A relative path is relative to the configuration file.
	Template string `yaml:"template" json:"template"`
	// Author is the default author of documents made by "hindsight new".
	Author     string           `yaml:"author" json:"author"`
	Server     ServerConfig     `yaml:"server" json:"server"`
	Webhook    WebhookConfig    `yaml:"webhook" json:"webhook"`
	Prometheus PrometheusConfig `yaml:"prometheus" json:"prometheus"`
	Review     ReviewConfig     `yaml:"review" json:"review"`
	Reminders  RemindersConfig  `yaml:"reminders" json:"reminders"`
	// Auth governs anonymous reads and the trusted reverse proxy (auth.go).
	Auth AuthConfig `yaml:"auth" json:"auth"`
	// Evidence governs graphs, changes, links and attachments (evidence.go).
	Evidence EvidenceConfig `yaml:"evidence" json:"evidence"`
	// Slack is the Slack app: incident channels, updates, timeline from
	// chat, the slash command (slack.go).
	Slack SlackAppConfig `yaml:"slack" json:"slack"`
	// Distribution maps Distribution List entries to recipients of approved
	// post-mortems (distribution.go).
	Distribution DistributionConfig `yaml:"distribution" json:"distribution"`
	// Digest is the weekly digest (digest.go).
	Digest DigestConfig `yaml:"digest" json:"digest"`
	// People are the directory entries the file gives (people.go).
	People []PersonConfig `yaml:"people" json:"people,omitempty"`
	// Paging governs acknowledgements from on-call tools (paging.go).
	Paging PagingConfig `yaml:"paging" json:"paging"`
	// Trackers copies action items to issue trackers (trackers.go).
	Trackers TrackersConfig `yaml:"trackers" json:"trackers"`

	// source is the file the configuration was read from, "" for defaults.
	source string
	// fromEnv maps a field to the environment variable that set it, so that
	// a validation error can say where a bad value came from.
	fromEnv map[string]string
	// specResults are what slo.specs produced; specServices the services
	// they set, with the file and SLO that set each.
	specResults  []SpecResult
	specServices map[string]string
}

// SLOConfig holds the default objectives, the default PromQL queries, and
// per-service overrides of either.
type SLOConfig struct {
	Objectives `yaml:",inline"`
	Queries    Queries `yaml:"queries" json:"queries"`
	// Services override the defaults for one service each; an override
	// names only what differs.
	Services map[string]ServiceSLO `yaml:"services" json:"services,omitempty"`
	// Specs are SLO files teams already write (Sloth, Pyrra, OpenSLO v1),
	// relative to the configuration file; each SLO in them becomes a
	// service's override (specs.go).
	Specs []string `yaml:"specs,omitempty" json:"specs,omitempty"`
}

// Objectives are the SLO targets as the file writes them.
type Objectives struct {
	// Availability is a percentage, such as 99.9.
	Availability float64 `yaml:"availability" json:"availability"`
	// ErrorRate is the highest acceptable error percentage, such as 0.1.
	ErrorRate  float64  `yaml:"error_rate" json:"error_rate"`
	LatencyP95 Duration `yaml:"latency_p95" json:"latency_p95"`
	LatencyP99 Duration `yaml:"latency_p99" json:"latency_p99"`
	Freshness  Duration `yaml:"freshness" json:"freshness"`
	// Window is the SLO window over which the error budget is counted.
	Window Duration `yaml:"window" json:"window"`
}

// Targets converts the objectives to the domain's SLO targets.
func (o Objectives) Targets() hindsight.SLOTargets {
	return hindsight.SLOTargets{
		Availability: o.Availability,
		ErrorRate:    o.ErrorRate,
		LatencyP95:   o.LatencyP95.Std(),
		LatencyP99:   o.LatencyP99.Std(),
		Freshness:    o.Freshness.Std(),
		Window:       o.Window.Std(),
	}
}

// ServiceSLO overrides some objectives and queries for one service. A field
// left out keeps the default; an explicit 0 is kept as 0.
type ServiceSLO struct {
	Availability *float64  `yaml:"availability,omitempty" json:"availability,omitempty"`
	ErrorRate    *float64  `yaml:"error_rate,omitempty" json:"error_rate,omitempty"`
	LatencyP95   *Duration `yaml:"latency_p95,omitempty" json:"latency_p95,omitempty"`
	LatencyP99   *Duration `yaml:"latency_p99,omitempty" json:"latency_p99,omitempty"`
	Freshness    *Duration `yaml:"freshness,omitempty" json:"freshness,omitempty"`
	Window       *Duration `yaml:"window,omitempty" json:"window,omitempty"`
	Queries      Queries   `yaml:"queries,omitempty" json:"queries,omitempty"`
}

// setKeys reports which objectives the override sets, by key.
func (s ServiceSLO) setKeys() map[string]bool {
	return map[string]bool{
		"availability": s.Availability != nil,
		"error_rate":   s.ErrorRate != nil,
		"latency_p95":  s.LatencyP95 != nil,
		"latency_p99":  s.LatencyP99 != nil,
		"freshness":    s.Freshness != nil,
		"window":       s.Window != nil,
	}
}

// over returns the default objectives with the override's fields in place.
func (s ServiceSLO) over(o Objectives) Objectives {
	if s.Availability != nil {
		o.Availability = *s.Availability
	}
	if s.ErrorRate != nil {
		o.ErrorRate = *s.ErrorRate
	}
	for _, p := range []struct{ src, dst *Duration }{
		{s.LatencyP95, &o.LatencyP95}, {s.LatencyP99, &o.LatencyP99},
		{s.Freshness, &o.Freshness}, {s.Window, &o.Window},
	} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	return o
}

// SeverityConfig maps alert labels onto severities and says which incidents
// get a post-mortem draft. A map given in the file replaces the default
// map; literal SEV1 to SEV5 label values always work.
type SeverityConfig struct {
	hindsight.SeverityRules `yaml:",inline"`
	// DraftMinSeverity is the least severe incident that gets a draft.
	DraftMinSeverity hindsight.Severity `yaml:"draft_min_severity" json:"draft_min_severity"`
}

// ServerConfig is where "hindsight serve" listens and stores.
type ServerConfig struct {
	Addr string `yaml:"addr" json:"addr"`
	// DB is the SQLite file, or a postgres:// URL that may hold a password.
	DB DSN `yaml:"db" json:"db"`
	// BaseURL is the public URL of the web UI, used in links that leave the
	// server (notifications); "" means links are relative.
	BaseURL string `yaml:"base_url" json:"base_url"`
}

// BasicAuth is a user name and password.
type BasicAuth struct {
	Username string `yaml:"username" json:"username"`
	Password Secret `yaml:"password" json:"password"`
}

// Set reports whether a user name or a password is given.
func (b BasicAuth) Set() bool { return b.Username != "" || b.Password != "" }

// WebhookConfig governs the Alertmanager webhook.
type WebhookConfig struct {
	// Token is the bearer token Alertmanager sends ("authorization" in its
	// http_config). With neither a token nor basic auth, the webhook refuses every request (401).
	Token     Secret    `yaml:"token" json:"token"`
	BasicAuth BasicAuth `yaml:"basic_auth" json:"basic_auth"`
	// BodyLimit bounds a notification's size; larger ones get 413.
	BodyLimit Size `yaml:"body_limit" json:"body_limit"`
	// InflightLimit bounds the bytes of notifications read and stored at
	// once; beyond it the webhook answers 503 with Retry-After.
	InflightLimit Size `yaml:"inflight_limit" json:"inflight_limit"`
	// ReopenWindow is how long after resolving a group that fires again
	// reopens the same incident rather than opening a new one.
	ReopenWindow Duration `yaml:"reopen_window" json:"reopen_window"`
	// RawRetention is how long raw notification bodies are kept.
	RawRetention Duration `yaml:"raw_retention" json:"raw_retention"`
}

// PrometheusConfig is how impact figures are queried; an empty URL means
// they are not measured.
type PrometheusConfig struct {
	URL         string    `yaml:"url" json:"url"`
	Timeout     Duration  `yaml:"timeout" json:"timeout"`
	BearerToken Secret    `yaml:"bearer_token" json:"bearer_token"`
	BasicAuth   BasicAuth `yaml:"basic_auth" json:"basic_auth"`
}

// Default returns the configuration used when no file is given.
func Default() *Config {
	slo := hindsight.DefaultSLOTargets()
	return &Config{
		SLO: SLOConfig{
			Objectives: Objectives{
				Availability: slo.Availability,
				ErrorRate:    slo.ErrorRate,
				LatencyP95:   Duration(slo.LatencyP95),
				LatencyP99:   Duration(slo.LatencyP99),
				Freshness:    Duration(slo.Freshness),
				Window:       Duration(slo.Window),
			},
			Queries:  DefaultQueries(),
			Services: map[string]ServiceSLO{},
		},
		Severity: SeverityConfig{SeverityRules: hindsight.DefaultSeverityRules(), DraftMinSeverity: hindsight.SEV2},
		Labels:   hindsight.DefaultLabelRules(),
		Server:   ServerConfig{Addr: "127.0.0.1:8080", DB: "./hindsight.db"},
		Webhook: WebhookConfig{
			BodyLimit:     5 << 20,
			InflightLimit: 64 << 20,
			ReopenWindow:  Duration(time.Hour),
			RawRetention:  Duration(30 * 24 * time.Hour),
		},
		Prometheus: PrometheusConfig{Timeout: Duration(10 * time.Second)},
		Review:     DefaultReviewConfig(),
		Reminders:  defaultReminders(),
		Digest:     defaultDigest(),
		Auth:       defaultAuth(),
		Evidence:   defaultEvidence(),
		Slack:      defaultSlack(),
		Paging:     defaultPaging(),
		Trackers:   defaultTrackers(),
	}
}

// Source returns the path the configuration was read from, "" for defaults.
func (c *Config) Source() string { return c.source }

// SLOFor returns the objectives an incident is measured against: those of
// its primary service.
func (c *Config) SLOFor(inc *hindsight.Incident) hindsight.SLOTargets {
	return c.ServiceSLO(inc.PrimaryService())
}

// ServiceSLO returns the objectives of service: the defaults with the
// service's overrides in place.
func (c *Config) ServiceSLO(service string) hindsight.SLOTargets {
	return c.SLO.Services[service].over(c.SLO.Objectives).Targets()
}

// QueriesFor returns the query templates of service: the defaults with the
// service's own queries in place.
func (c *Config) QueriesFor(service string) Queries {
	return c.SLO.Queries.over(c.SLO.Services[service].Queries)
}
