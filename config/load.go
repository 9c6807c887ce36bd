package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"gopkg.in/yaml.v3"
)

// Environment variables read by Resolve.
const (
	EnvConfig        = "HINDSIGHT_CONFIG"
	EnvDB            = "HINDSIGHT_DB"
	EnvAddr          = "HINDSIGHT_ADDR"
	EnvWebhookToken  = "HINDSIGHT_WEBHOOK_TOKEN"
	EnvPrometheusURL = "HINDSIGHT_PROMETHEUS_URL"
)

// Load reads and validates the file at path; path "" gives the defaults.
// Keys the file leaves out keep their defaults. Errors are EINVALID and
// name the file and line ("hindsight.yaml:3: unknown key \"foo\"").
func Load(path string) (*Config, error) {
	c, err := load(path)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// DefaultFile is the configuration file every command reads from the
// working directory when neither --config nor $HINDSIGHT_CONFIG names one.
const DefaultFile = "hindsight.yaml"

// Resolve loads the configuration the way every command does: the file named
// by flagPath, else by $HINDSIGHT_CONFIG, else ./hindsight.yaml when it
// exists, else the defaults; then the
// environment overrides (HINDSIGHT_DB, HINDSIGHT_ADDR,
// HINDSIGHT_WEBHOOK_TOKEN, HINDSIGHT_PROMETHEUS_URL); then validation. It
// returns the path used ("" for none). getenv is os.Getenv outside tests.
func Resolve(flagPath string, getenv func(string) string) (*Config, string, error) {
	path := flagPath
	if path == "" {
		path = getenv(EnvConfig)
	}
	if path == "" {
		if st, err := os.Stat(DefaultFile); err == nil && st.Mode().IsRegular() {
			path = DefaultFile
		}
	}
	c, err := load(path)
	if err != nil {
		return nil, path, err
	}
	c.applyEnv(getenv)
	if err := c.Validate(); err != nil {
		return nil, path, err
	}
	return c, path, nil
}

// applyEnv puts non-empty environment overrides in place.
func (c *Config) applyEnv(getenv func(string) string) {
	for _, o := range []struct {
		env, field string
		set        func(string)
	}{
		{EnvDB, "server.db", func(v string) { c.Server.DB = DSN(v) }},
		{EnvAddr, "server.addr", func(v string) { c.Server.Addr = v }},
		{EnvWebhookToken, "webhook.token", func(v string) { c.Webhook.Token = Secret(v) }},
		{EnvPrometheusURL, "prometheus.url", func(v string) { c.Prometheus.URL = v }},
		{EnvSlackWebhookURL, "reminders.slack.webhook_url", func(v string) { c.Reminders.Slack.WebhookURL = Secret(v) }},
		{EnvSMTPPassword, "reminders.smtp.password", func(v string) { c.Reminders.SMTP.Password = Secret(v) }},
		{EnvSlackBotToken, "slack.bot_token", func(v string) { c.Slack.BotToken = Secret(v) }},
		{EnvSlackSigningSecret, "slack.signing_secret", func(v string) { c.Slack.SigningSecret = Secret(v) }},
		{EnvSlackUpdatesURL, "slack.webhook_url", func(v string) { c.Slack.WebhookURL = Secret(v) }},
		{EnvPagerDutySecret, "paging.pagerduty.signing_secret", func(v string) { c.Paging.PagerDuty.SigningSecret = Secret(v) }},
		{EnvOpsgenieToken, "paging.opsgenie.token", func(v string) { c.Paging.Opsgenie.Token = Secret(v) }},
		{EnvGrafanaOnCallToken, "paging.grafana_oncall.token", func(v string) { c.Paging.GrafanaOnCall.Token = Secret(v) }},
	} {
		if v := strings.TrimSpace(getenv(o.env)); v != "" {
			o.set(v)
			if c.fromEnv == nil {
				c.fromEnv = map[string]string{}
			}
			c.fromEnv[o.field] = o.env
		}
	}
}

// load reads path over the defaults without validating.
func load(path string) (*Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, hindsight.Errorf(hindsight.EINVALID, "cannot read configuration: %v: check --config or %s", err, EnvConfig)
	}
	if err := c.decode(path, b); err != nil {
		return nil, err
	}
	c.source = path
	dir := filepath.Dir(path)
	if err := c.loadSpecs(dir); err != nil {
		return nil, err
	}
	c.Template = relativeTo(dir, c.Template)
	if db := string(c.Server.DB); !strings.Contains(db, "://") && !strings.Contains(db, "=") {
		c.Server.DB = DSN(relativeTo(dir, db))
	}
	return c, nil
}

// decode reads the YAML of b over c. A severity map given in the file
// replaces the default one rather than adding to it, so the map is cleared
// before decoding and restored only when the file has none.
func (c *Config) decode(path string, b []byte) error {
	defaultMap := c.Severity.Map
	c.Severity.Map = nil
	defer func() {
		if c.Severity.Map == nil {
			c.Severity.Map = defaultMap
		}
	}()

	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return fileError(path, err)
	}
	if msgs := unknownKeys(&root); len(msgs) > 0 {
		return fileError(path, &yaml.TypeError{Errors: msgs})
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fileError(path, err)
	}
	return nil
}

// relativeTo makes a relative path in the file relative to the file's
// directory, so that a configuration works from any working directory.
func relativeTo(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

var (
	lineRE     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	notFoundRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// fileError turns a YAML error into an EINVALID error with one
// "file:line: problem" line per problem.
func fileError(path string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		m = strings.TrimSpace(m)
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			what := sm[2]
			if nf := notFoundRE.FindStringSubmatch(what); nf != nil {
				what = fmt.Sprintf("unknown key %q", nf[1])
			}
			out[i] = path + ":" + sm[1] + ": " + what
		} else {
			out[i] = path + ": " + strings.TrimPrefix(m, "yaml: ")
		}
	}
	return hindsight.Errorf(hindsight.EINVALID, "%s", strings.Join(out, "\n"))
}
