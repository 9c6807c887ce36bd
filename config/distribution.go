package config

import (
	"net/mail"
	"sort"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// DistributionEntryConfig maps one entry of the documents' Distribution
// List onto the addresses that receive an approved post-mortem
// (docs/distribution.md). The key naming it ("engineering") matches the
// list entry whose words start with it ("Engineering Team"), unless Label
// names the entry whole.
type DistributionEntryConfig struct {
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
	// When is a severity condition, such as "severity <= SEV2"; "" always.
	When  string   `yaml:"when,omitempty" json:"when,omitempty"`
	Email []string `yaml:"email,omitempty" json:"email,omitempty"`
	// Slack lists channels posted to through reminders.slack.webhook_url.
	Slack []string `yaml:"slack,omitempty" json:"slack,omitempty"`
}

// DistributionConfig is the distribution section: entries by name.
type DistributionConfig map[string]DistributionEntryConfig

// Entries returns the domain's entries, sorted by name; a condition that
// does not parse (refused by Validate) always holds.
func (d DistributionConfig) Entries() []hindsight.DistributionEntry {
	out := make([]hindsight.DistributionEntry, 0, len(d))
	for name, e := range d {
		when, _ := hindsight.ParseSeverityCondition(e.When)
		out = append(out, hindsight.DistributionEntry{Name: name, Label: e.Label, When: when, Email: e.Email, Slack: e.Slack})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (v *fieldErrors) distribution(d DistributionConfig, r RemindersConfig) {
	for name, e := range d {
		p := "distribution." + name
		if strings.TrimSpace(name) == "" {
			v.add("distribution", "an entry needs a name, such as engineering")
		}
		if _, err := hindsight.ParseSeverityCondition(e.When); err != nil {
			v.add(p+".when", "%s", hindsight.ErrorMessage(err))
		}
		v.recipients(p, e.Email, e.Slack, r)
	}
}

// recipients checks the addresses and channels of p and that their
// channels are configured.
func (v *fieldErrors) recipients(p string, email, slack []string, r RemindersConfig) {
	if len(email) == 0 && len(slack) == 0 {
		v.add(p, "lists no email address and no slack channel")
	}
	for _, to := range email {
		if _, err := mail.ParseAddress(to); err != nil {
			v.add(p+".email", "%q is not an e-mail address", to)
		}
	}
	if len(email) > 0 && !r.SMTP.Enabled() {
		v.add(p+".email", "needs reminders.smtp (the relay it is sent through)")
	}
	for _, ch := range slack {
		if strings.TrimSpace(ch) == "" || strings.ContainsAny(ch, " \t\r\n") {
			v.add(p+".slack", "%q is not a channel name such as #eng", ch)
		}
	}
	if len(slack) > 0 && r.Slack.WebhookURL == "" {
		v.add(p+".slack", "needs reminders.slack.webhook_url (the incoming webhook it is posted through)")
	}
}
