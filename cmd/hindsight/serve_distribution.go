package main

import (
	"context"
	"errors"

	"github.com/hindsight-sre/hindsight/distribution"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/reminder"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/worker"
)

// workerDistribution sends approved post-mortems to their Distribution List.
const workerDistribution = "distribution"

// newDistributionRecord reads the Distribution List's ticks that the
// server shows beside approved post-mortems; nil when distribution is not
// configured.
func (m *Main) newDistributionRecord(store *sqlstore.Store) *distribution.Record {
	if len(m.Config.Distribution) == 0 {
		return nil
	}
	return &distribution.Record{Store: store, Entries: m.Config.Distribution.Entries()}
}

// startDistribution runs the distribution sender and the weekly digest
// until Close: one pass now, then one every distribution.DefaultInterval;
// nothing when neither is configured.
func (m *Main) startDistribution() {
	var passes []func(context.Context) (reminder.PassResult, error)
	if len(m.Config.Distribution) > 0 {
		passes = append(passes, m.distributionSender().RunOnce)
	}
	if m.Config.Digest.Enabled() {
		passes = append(passes, m.weeklyDigest().RunOnce)
	}
	if len(passes) == 0 {
		return
	}
	m.startWorker(worker.Task{Name: workerDistribution, Interval: distribution.DefaultInterval,
		Run: func(ctx context.Context) (int, error) {
			n := 0
			var errs []error
			for _, pass := range passes {
				res, err := pass(ctx)
				n += res.Sent + res.Failed
				errs = append(errs, err)
			}
			return n, errors.Join(errs...)
		}})
}

// weeklyDigest builds the digest over the reminders' channels.
func (m *Main) weeklyDigest() *distribution.Digest {
	d := m.Config.Digest
	s, sl := m.distributionChannels()
	m.logger().Info("digest: weekly digest configured", "weekday", d.Day().String(), "hour", d.Hour)
	return &distribution.Digest{Store: m.Store, Weekday: d.Day(), Hour: d.Hour, Email: d.Email, Slack: d.Slack,
		SMTP: s, Webhook: sl, BaseURL: m.Config.Server.BaseURL, Now: m.Now, Log: m.logger()}
}

// distributionChannels returns the reminders' SMTP relay and Slack-compatible webhook,
// each nil when not configured.
func (m *Main) distributionChannels() (*notify.SMTP, *notify.Slack) {
	cfg := m.Config.Reminders
	var smtp *notify.SMTP
	var slack *notify.Slack
	if cfg.Slack.WebhookURL != "" {
		slack = &notify.Slack{WebhookURL: string(cfg.Slack.WebhookURL)}
	}
	if s := cfg.SMTP; s.Enabled() {
		smtp = &notify.SMTP{Host: s.Host, Port: s.Port, Username: s.Username,
			Password: string(s.Password), From: s.From, StartTLS: s.StartTLS, Now: m.Now}
	}
	return smtp, slack
}

// distributionSender builds the sender over the reminders' SMTP relay and
// Slack-compatible webhook.
func (m *Main) distributionSender() *distribution.Sender {
	snd := &distribution.Sender{Store: m.Store, Entries: m.Config.Distribution.Entries(), Now: m.Now,
		BaseURL: m.Config.Server.BaseURL, Log: m.logger()}
	snd.SMTP, snd.Slack = m.distributionChannels()
	m.logger().Info("distribution: sender started", "entries", len(snd.Entries))
	return snd
}
