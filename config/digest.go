package config

import (
	"strings"
	"time"
)

// DigestConfig is the weekly digest (docs/distribution.md): incidents
// opened in the last seven days, post-mortems awaiting review and overdue
// action items per team, sent each week from Weekday at Hour (UTC).
type DigestConfig struct {
	// Weekday is monday … sunday; "" turns the digest off.
	Weekday string `yaml:"weekday" json:"weekday"`
	// Hour is the UTC hour from which the digest is due, 0 to 23.
	Hour int `yaml:"hour" json:"hour"`
	// Email are recipients (through reminders.smtp), Slack channels
	// (through reminders.slack.webhook_url).
	Email []string `yaml:"email" json:"email"`
	Slack []string `yaml:"slack" json:"slack"`
}

// Enabled reports whether the digest is sent.
func (d DigestConfig) Enabled() bool { return d.Weekday != "" }

// Day returns the configured weekday; Sunday when it does not parse
// (refused by Validate).
func (d DigestConfig) Day() time.Weekday {
	for w := time.Sunday; w <= time.Saturday; w++ {
		if strings.EqualFold(d.Weekday, w.String()) {
			return w
		}
	}
	return time.Sunday
}

func defaultDigest() DigestConfig {
	return DigestConfig{Hour: 9, Email: []string{}, Slack: []string{}}
}

func (v *fieldErrors) digest(d DigestConfig, r RemindersConfig) {
	if !d.Enabled() {
		return
	}
	if !strings.EqualFold(d.Day().String(), d.Weekday) {
		v.add("digest.weekday", "must be a day such as monday, got %q", d.Weekday)
	}
	if d.Hour < 0 || d.Hour > 23 {
		v.add("digest.hour", "must be an hour from 0 to 23 (UTC), got %d", d.Hour)
	}
	v.recipients("digest", d.Email, d.Slack, r)
}
