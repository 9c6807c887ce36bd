package config

import "time"

// PagingConfig governs acknowledgements from on-call tools (docs/paging.md).
type PagingConfig struct {
	// Alertmanager lists the Alertmanagers whose silences are polled.
	Alertmanager AlertmanagerSilencesConfig `yaml:"alertmanager" json:"alertmanager"`
	// PagerDuty holds the v3 webhook subscription's signing secret.
	PagerDuty PagerDutyConfig `yaml:"pagerduty" json:"pagerduty"`
	// Opsgenie holds the token of Opsgenie's webhook integration.
	Opsgenie OpsgenieConfig `yaml:"opsgenie" json:"opsgenie"`
	// GrafanaOnCall holds the Authorization Header of OnCall's outgoing
	// webhook.
	GrafanaOnCall GrafanaOnCallConfig `yaml:"grafana_oncall" json:"grafana_oncall"`
	// ResolvedWindow is how long after an incident resolved a tool's
	// acknowledgement still finds it.
	ResolvedWindow Duration `yaml:"resolved_window" json:"resolved_window"`
}

// AlertmanagerSilencesConfig is the silence poller's settings.
type AlertmanagerSilencesConfig struct {
	// URLs are the Alertmanagers' base URLs (both members of an HA pair:
	// a silence is taken once by its ID). Credentials in a URL are sent as
	// basic auth and printed redacted.
	URLs []string `yaml:"urls" json:"urls"`
	// PollInterval is how often the silences are read.
	PollInterval Duration `yaml:"poll_interval" json:"poll_interval"`
}

// PagerDutyConfig is the PagerDuty v3 webhook's settings.
type PagerDutyConfig struct {
	// SigningSecret is the webhook subscription's secret; "" refuses
	// every PagerDuty webhook.
	SigningSecret Secret `yaml:"signing_secret" json:"signing_secret"`
}

// OpsgenieConfig is the Opsgenie webhook's settings.
type OpsgenieConfig struct {
	// Token is the bearer token Opsgenie sends as its Authorization custom
	// header; "" refuses every Opsgenie webhook.
	Token Secret `yaml:"token" json:"token"`
}

// GrafanaOnCallConfig is the Grafana OnCall outgoing webhook's settings.
type GrafanaOnCallConfig struct {
	// Token is the webhook's Authorization Header (with or without
	// "Bearer "); "" refuses every Grafana OnCall webhook.
	Token Secret `yaml:"token" json:"token"`
}

// Environment variables that override the paging secrets.
const (
	EnvPagerDutySecret    = "HINDSIGHT_PAGERDUTY_SIGNING_SECRET"
	EnvOpsgenieToken      = "HINDSIGHT_OPSGENIE_TOKEN"
	EnvGrafanaOnCallToken = "HINDSIGHT_GRAFANA_ONCALL_TOKEN"
)

// Defaults of the paging settings.
const (
	DefaultSilencePollInterval  = 30 * time.Second
	DefaultPagingResolvedWindow = 24 * time.Hour
)

func defaultPaging() PagingConfig {
	return PagingConfig{
		Alertmanager:   AlertmanagerSilencesConfig{URLs: []string{}, PollInterval: Duration(DefaultSilencePollInterval)},
		ResolvedWindow: Duration(DefaultPagingResolvedWindow),
	}
}

// paging checks the paging settings.
func (v *fieldErrors) paging(p PagingConfig) {
	for _, u := range p.Alertmanager.URLs {
		v.webURL("paging.alertmanager.urls", u)
	}
	if p.Alertmanager.PollInterval < Duration(time.Second) {
		v.add("paging.alertmanager.poll_interval", "must be at least 1s, such as 30s")
	}
	if p.ResolvedWindow < 0 {
		v.add("paging.resolved_window", "must not be negative, such as 24h")
	}
}
