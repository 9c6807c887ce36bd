package config

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Environment variables that override reminder secrets.
const (
	EnvSlackWebhookURL = "HINDSIGHT_SLACK_WEBHOOK_URL"
	EnvSMTPPassword    = "HINDSIGHT_SMTP_PASSWORD"
)

// RemindersConfig governs the reminders that "hindsight serve" sends about
// action items and post-mortems (docs/reminders.md).
type RemindersConfig struct {
	// Interval is the time between passes; one pass also runs at start-up.
	Interval Duration `yaml:"interval" json:"interval"`
	// DueSoonDays is how many days ahead an open action item's due date
	// counts as due soon.
	DueSoonDays int `yaml:"due_soon_days" json:"due_soon_days"`
	// ReviewDueDays is how many days after resolution a post-mortem still in
	// DRAFT is reminded of.
	ReviewDueDays int         `yaml:"review_due_days" json:"review_due_days"`
	Slack         SlackConfig `yaml:"slack" json:"slack"`
	SMTP          SMTPConfig  `yaml:"smtp" json:"smtp"`
}

// SlackConfig is a Slack-compatible incoming webhook; an empty URL turns
// the channel off.
type SlackConfig struct {
	// WebhookURL is a secret: anyone who has it can post.
	WebhookURL Secret `yaml:"webhook_url" json:"webhook_url"`
}

// SMTPConfig is an SMTP relay; an empty host turns the channel off.
type SMTPConfig struct {
	Host     string `yaml:"host" json:"host"`
	Port     int    `yaml:"port" json:"port"`
	Username string `yaml:"username" json:"username"`
	Password Secret `yaml:"password" json:"password"`
	// From is the sender, such as "Hindsight <hindsight@example.com>".
	From string   `yaml:"from" json:"from"`
	To   []string `yaml:"to" json:"to"`
	// StartTLS is auto (upgrade when offered), always (refuse to send
	// without it) or never.
	StartTLS string `yaml:"starttls" json:"starttls"`
}

// Enabled reports whether the SMTP channel is configured.
func (s SMTPConfig) Enabled() bool { return s.Host != "" }

// defaultReminders returns the reminder defaults: no channel, a pass every
// five minutes.
func defaultReminders() RemindersConfig {
	return RemindersConfig{
		Interval:    Duration(5 * time.Minute),
		DueSoonDays: 2,
		SMTP:        SMTPConfig{Port: 587, StartTLS: "auto", To: []string{}},
	}
}

func (v *fieldErrors) reminders(r RemindersConfig) {
	if r.Interval < Duration(10*time.Second) {
		v.add("reminders.interval", "must be at least 10s, such as 5m")
	}
	if r.DueSoonDays < 1 {
		v.add("reminders.due_soon_days", "must be at least 1, got %d", r.DueSoonDays)
	}
	if s := string(r.Slack.WebhookURL); s != "" {
		// The URL is the secret: never echo it.
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add("reminders.slack.webhook_url", "must be an absolute http or https URL (value not shown: it is a secret)")
		}
	}
	v.smtp(r.SMTP)
}

func (v *fieldErrors) smtp(s SMTPConfig) {
	if s.Port < 1 || s.Port > 65535 {
		v.add("reminders.smtp.port", "must be a TCP port, such as 587, got %d", s.Port)
	}
	switch s.StartTLS {
	case "auto", "always", "never":
	default:
		v.add("reminders.smtp.starttls", "must be auto, always or never, got %q", s.StartTLS)
	}
	if !s.Enabled() {
		return
	}
	if strings.ContainsAny(s.Host, " /:") {
		v.add("reminders.smtp.host", "must be a host name or address without a port (use reminders.smtp.port), got %q", s.Host)
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		v.add("reminders.smtp.from", "must be an e-mail address, such as Hindsight <hindsight@example.com>, got %q", s.From)
	}
	if len(s.To) == 0 {
		v.add("reminders.smtp.to", "must list at least one recipient when reminders.smtp.host is set")
	}
	for _, to := range s.To {
		if _, err := mail.ParseAddress(to); err != nil {
			v.add("reminders.smtp.to", "%q is not an e-mail address", to)
		}
	}
	if (s.Username == "") != (s.Password == "") {
		v.add("reminders.smtp", "needs both username and password, or neither")
	}
}
