package config

import (
	"errors"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"gopkg.in/yaml.v3"
)

// Validate returns an EINVALID error listing every bad field by its
// configuration key, or nil.
func (c *Config) Validate() error {
	v := &fieldErrors{c: c}
	v.nested("slo.", c.SLO.Objectives.Targets().Validate())
	v.queries("slo.queries.", c.SLO.Queries)
	names := make([]string, 0, len(c.SLO.Services))
	for name := range c.SLO.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := c.SLO.Services[name]
		prefix := "slo.services." + name + "."
		if strings.TrimSpace(name) == "" {
			v.add("slo.services", "a service name is empty")
		}
		// Only what the service sets is reported under its name: a bad
		// default is reported once, as slo.<key>.
		set := s.setKeys()
		var e *hindsight.Error
		if errors.As(s.over(c.SLO.Objectives).Targets().Validate(), &e) {
			for _, f := range e.Fields {
				if set[f.Field] {
					v.add(prefix+f.Field, "%s", f.Message)
				}
			}
		}
		v.queries(prefix+"queries.", s.Queries)
	}

	v.nested("", c.Severity.SeverityRules.Validate())
	if !c.Severity.DraftMinSeverity.Valid() {
		v.add("severity.draft_min_severity", "must be one of SEV1 to SEV5, got %q", c.Severity.DraftMinSeverity)
	}
	v.labelNames("severity.labels", c.Severity.Labels)
	v.labelNames("labels.service", c.Labels.Service)
	v.labelNames("labels.region", c.Labels.Region)

	v.server(c.Server)
	v.webhook(c.Webhook)
	v.prometheus(c.Prometheus)
	v.review(c.Review)
	v.reminders(c.Reminders)
	v.auth(c.Auth)
	v.evidence(c.Evidence)
	v.slack(c.Slack)
	v.distribution(c.Distribution, c.Reminders)
	v.digest(c.Digest, c.Reminders)
	v.people(c.People)
	v.paging(c.Paging)
	v.trackers(c.Trackers)

	what := "configuration"
	if c.source != "" {
		what += " " + c.source
	}
	return v.Err(what)
}

// fieldErrors adds the configuration's own checks to hindsight.Validation.
type fieldErrors struct {
	hindsight.Validation
	c *Config
}

// add records a bad field, naming the environment variable that set it.
func (v *fieldErrors) add(field, format string, args ...any) {
	if env := v.c.fromEnv[field]; env != "" {
		format += " (set by " + env + ")"
	}
	v.Add(field, format, args...)
}

// nested adds the fields of a domain validation error under prefix.
func (v *fieldErrors) nested(prefix string, err error) {
	var e *hindsight.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			v.add(prefix+f.Field, "%s", f.Message)
		}
	} else if err != nil {
		v.add(strings.TrimSuffix(prefix, "."), "%v", err)
	}
}

// queries checks that every query template parses and runs.
func (v *fieldErrors) queries(prefix string, q Queries) {
	sample := QueryData{Service: "api", Labels: map[string]string{"job": "api"}, Range: "5m"}
	for _, n := range q.named() {
		if _, err := renderQuery(n.key, n.text, sample); err != nil {
			v.add(prefix+n.key, "is not a valid template: %v; it can use {{.Service}}, {{.Labels.name}} and {{.Range}}", err)
		}
	}
}

func (v *fieldErrors) labelNames(field string, names []string) {
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			v.add(field, "contains an empty label name")
		}
	}
}

func (v *fieldErrors) server(s ServerConfig) {
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		v.add("server.addr", "must be host:port, such as 127.0.0.1:8080 or :8080, got %q", s.Addr)
	}
	if strings.TrimSpace(string(s.DB)) == "" {
		v.add("server.db", "is required: a SQLite file path or a postgres:// URL")
	}
	if s.BaseURL != "" {
		v.webURL("server.base_url", s.BaseURL)
	}
}

func (v *fieldErrors) webhook(w WebhookConfig) {
	if w.BodyLimit <= 0 {
		v.add("webhook.body_limit", "must be positive, such as 5MiB")
	}
	if w.InflightLimit < w.BodyLimit {
		v.add("webhook.inflight_limit", "must be at least webhook.body_limit, such as 64MiB")
	}
	if w.ReopenWindow < 0 {
		v.add("webhook.reopen_window", "must not be negative")
	}
	if w.RawRetention <= 0 {
		v.add("webhook.raw_retention", "must be positive, such as 30d")
	}
	v.basicAuth("webhook.basic_auth", w.BasicAuth)
}

func (v *fieldErrors) prometheus(p PrometheusConfig) {
	if p.URL != "" {
		v.webURL("prometheus.url", p.URL)
		if u, err := url.Parse(p.URL); err == nil && u.User != nil {
			v.add("prometheus.url", "must not hold credentials: use prometheus.basic_auth or prometheus.bearer_token")
		}
	}
	if p.Timeout <= 0 {
		v.add("prometheus.timeout", "must be positive, such as 10s")
	}
	v.basicAuth("prometheus.basic_auth", p.BasicAuth)
	if p.BearerToken != "" && p.BasicAuth.Set() {
		v.add("prometheus.bearer_token", "cannot be combined with prometheus.basic_auth: choose one")
	}
}

func (v *fieldErrors) basicAuth(field string, b BasicAuth) {
	if b.Set() && (b.Username == "" || b.Password == "") {
		v.add(field, "needs both username and password")
	}
}

// webURL checks that s is an absolute http or https URL.
func (v *fieldErrors) webURL(field, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(field, "must be an absolute http or https URL, such as http://127.0.0.1:9090, got %q", redactURL(s))
	}
}

// Redacted returns the configuration as YAML, every key with its effective
// value and every secret as "<secret>", including a password inside the
// database or Prometheus URL: the output of "hindsight config check --print".
func (c *Config) Redacted() string {
	cp := *c
	cp.Prometheus.URL = redactURL(cp.Prometheus.URL)
	cp.Paging.Alertmanager.URLs = make([]string, len(c.Paging.Alertmanager.URLs))
	for i, u := range c.Paging.Alertmanager.URLs {
		cp.Paging.Alertmanager.URLs[i] = redactURL(u)
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&cp); err != nil {
		// Every field of Config marshals; this cannot happen.
		return "# cannot print the configuration: " + err.Error() + "\n"
	}
	return b.String()
}

// String returns Redacted, so that printing a *Config never shows a secret.
func (c *Config) String() string { return c.Redacted() }
