package main

import (
	"context"

	"github.com/hindsight-sre/hindsight/distribution"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/worker"
)

// workerDistribution sends approved post-mortems to their Distribution List.
const workerDistribution = "distribution"

// wireDistribution shows the Distribution List's ticks beside approved
// post-mortems, when distribution is configured.
func (m *Main) wireDistribution(s *hhttp.Server, store *sqlstore.Store) {
	if len(m.Config.Distribution) > 0 {
		s.Distribution = &distribution.Record{Store: store, Entries: m.Config.Distribution.Entries()}
	}
}

// startDistribution runs the distribution sender until Close: one pass now,
// then one every distribution.DefaultInterval; nothing without entries.
func (m *Main) startDistribution() {
	if len(m.Config.Distribution) == 0 {
		return
	}
	sender := m.distributionSender()
	m.startWorker(worker.Task{Name: workerDistribution, Interval: distribution.DefaultInterval,
		Run: func(ctx context.Context) (int, error) {
			res, err := sender.RunOnce(ctx)
			return res.Sent + res.Failed, err
		}})
}

// distributionSender builds the sender over the reminders' SMTP relay and
// Slack-compatible webhook.
func (m *Main) distributionSender() *distribution.Sender {
	cfg := m.Config.Reminders
	snd := &distribution.Sender{Store: m.Store, Entries: m.Config.Distribution.Entries(), Now: m.Now,
		BaseURL: m.Config.Server.BaseURL, Log: m.logger()}
	if cfg.Slack.WebhookURL != "" {
		snd.Slack = &notify.Slack{WebhookURL: string(cfg.Slack.WebhookURL)}
	}
	if s := cfg.SMTP; s.Enabled() {
		snd.SMTP = &notify.SMTP{Host: s.Host, Port: s.Port, Username: s.Username,
			Password: string(s.Password), From: s.From, StartTLS: s.StartTLS, Now: m.Now}
	}
	m.logger().Info("distribution: sender started", "entries", len(snd.Entries))
	return snd
}
