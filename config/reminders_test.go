package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/config"
)

func TestRemindersConfig(t *testing.T) {
	const hook = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}

	t.Run("Defaults", func(t *testing.T) {
		r := config.Default().Reminders
		if r.Interval.Std() != 5*time.Minute || r.DueSoonDays != 2 || r.SMTP.Port != 587 || r.SMTP.StartTLS != "auto" ||
			r.Slack.WebhookURL != "" || r.SMTP.Enabled() || config.Default().Review.ReviewDueDays != 5 {
			t.Fatalf("defaults %+v", r)
		}
	})

	t.Run("File", func(t *testing.T) {
		c := MustLoad(t, MustWriteConfig(t, `
reminders:
  interval: 1m
  due_soon_days: 3
  slack:
    webhook_url: `+hook+`
  smtp:
    host: smtp.example.com
    port: 2525
    username: bot
    password: pa55-word
    from: Hindsight <hindsight@example.com>
    to: [oncall@example.com]
    starttls: always
`))
		r := c.Reminders
		if r.Interval.Std() != time.Minute || r.DueSoonDays != 3 || string(r.Slack.WebhookURL) != hook ||
			r.SMTP.Port != 2525 || r.SMTP.StartTLS != "always" || len(r.SMTP.To) != 1 || !r.SMTP.Enabled() {
			t.Fatalf("read %+v", r)
		}
		if out := c.Redacted(); strings.Contains(out, "XXXX") || strings.Contains(out, "pa55-word") {
			t.Fatalf("a secret is printed:\n%s", out)
		}
	})

	t.Run("EnvironmentOverrides", func(t *testing.T) {
		c, _, err := config.Resolve("", env(map[string]string{config.EnvSlackWebhookURL: hook, config.EnvSMTPPassword: "pw"}))
		if err != nil || string(c.Reminders.Slack.WebhookURL) != hook || c.Reminders.SMTP.Password != "pw" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		_, _, err := config.Resolve("", env(map[string]string{config.EnvSlackWebhookURL: "hooks.slack.com/services/XXXXsecretXXXX"}))
		if err == nil || !strings.Contains(err.Error(), "reminders.slack.webhook_url") ||
			!strings.Contains(err.Error(), config.EnvSlackWebhookURL) || strings.Contains(err.Error(), "XXXX") {
			t.Fatalf("got %v", err)
		}
		_, err = config.Load(MustWriteConfig(t, `
reminders:
  interval: 1s
  due_soon_days: 0
  smtp: {host: "smtp.example.com:25", port: 0, from: nobody, to: [], starttls: sometimes, username: bot}
`))
		for _, want := range []string{"reminders.interval", "reminders.due_soon_days", "reminders.smtp.host",
			"reminders.smtp.port", "reminders.smtp.from", "reminders.smtp.to", "reminders.smtp.starttls", "needs both username and password"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	})

	t.Run("ErrUnknownKey", func(t *testing.T) {
		_, err := config.Load(MustWriteConfig(t, "reminders:\n  slack:\n    url: x\n"))
		if err == nil || !strings.Contains(err.Error(), `unknown key "reminders.slack.url"`) {
			t.Fatalf("got %v", err)
		}
	})
}
