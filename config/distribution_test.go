package config_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

func TestDistributionConfig(t *testing.T) {
	const channels = `
reminders:
  slack: {webhook_url: "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"}
  smtp: {host: smtp.example.com, from: Hindsight <hindsight@example.com>, to: [oncall@example.com]}
`
	t.Run("File", func(t *testing.T) {
		c := MustLoad(t, MustWriteConfig(t, channels+`
distribution:
  engineering: {email: [eng@example.com], slack: ["#eng"]}
  executive: {when: "severity <= SEV2", email: [cto@example.com]}
  produit: {label: "Équipe Produit", slack: ["#produit"]}
`))
		es := c.Distribution.Entries()
		if len(es) != 3 || es[0].Name != "engineering" || es[1].Name != "executive" || es[2].Label != "Équipe Produit" ||
			!es[1].When.Holds(hindsight.SEV2) || es[1].When.Holds(hindsight.SEV3) || !es[0].When.Holds(hindsight.SEV5) {
			t.Fatalf("entries %+v", es)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := config.Load(MustWriteConfig(t, `
distribution:
  executive: {when: "sev <= 2", email: [not-an-address]}
  sales: {}
  support: {slack: ["#support channel"]}
`))
		for _, want := range []string{"distribution.executive.when", "distribution.executive.email", "needs reminders.smtp",
			"distribution.sales: lists no email address", "distribution.support.slack", "needs reminders.slack.webhook_url"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	})
	t.Run("ErrUnknownKey", func(t *testing.T) {
		_, err := config.Load(MustWriteConfig(t, channels+"distribution:\n  engineering: {emails: [a@example.com]}\n"))
		if err == nil || !strings.Contains(err.Error(), "emails") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestDigestConfig(t *testing.T) {
	if d := config.Default().Digest; d.Enabled() || d.Hour != 9 {
		t.Fatalf("default digest %+v", d)
	}
	_, err := config.Load(MustWriteConfig(t, "digest: {weekday: Friyay, hour: 24, slack: [\"#sre\"]}\n"))
	for _, want := range []string{"digest.weekday", "digest.hour", "digest.slack: needs reminders.slack.webhook_url"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	c := MustLoad(t, MustWriteConfig(t, `
reminders:
  smtp: {host: smtp.example.com, from: Hindsight <hindsight@example.com>, to: [oncall@example.com]}
digest: {weekday: Friday, hour: 16, email: [sre@example.com]}
`))
	if !c.Digest.Enabled() || c.Digest.Day().String() != "Friday" || c.Digest.Hour != 16 {
		t.Fatalf("digest %+v", c.Digest)
	}
}
