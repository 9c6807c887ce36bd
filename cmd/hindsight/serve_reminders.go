package main

import (
	"context"

	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/reminder"
)

// startReminders runs the reminder scheduler until Close: one pass now,
// then one every reminders.interval. Its metrics join the server's /metrics.
func (m *Main) startReminders() {
	sched := m.reminderScheduler()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sched.Run(ctx)
	}()
	m.stopReminders = func() {
		cancel()
		<-done
	}
}

// closeReminders stops the scheduler and waits for its pass to end; a claim
// it holds is released, so another instance or the next start sends it.
func (m *Main) closeReminders() {
	if m.stopReminders != nil {
		m.stopReminders()
		m.stopReminders = nil
	}
}

// reminderScheduler builds the scheduler from the configuration: a channel
// for the Slack webhook and one for SMTP, each only when configured.
func (m *Main) reminderScheduler() *reminder.Scheduler {
	cfg := m.Config.Reminders
	metrics := notify.NewMetrics(m.Server.Registry)
	var channels []notify.Channel
	add := func(name string, n notify.Notifier) {
		channels = append(channels, notify.Channel{Name: name,
			Notifier: &notify.Retrying{Channel: notify.Channel{Name: name, Notifier: n}, Metrics: metrics}})
	}
	if cfg.Slack.WebhookURL != "" {
		add(notify.ChannelSlack, &notify.Slack{WebhookURL: string(cfg.Slack.WebhookURL)})
	}
	if s := cfg.SMTP; s.Enabled() {
		add(notify.ChannelSMTP, &notify.SMTP{Host: s.Host, Port: s.Port, Username: s.Username,
			Password: string(s.Password), From: s.From, To: s.To, StartTLS: s.StartTLS, Now: m.Now})
	}
	names := make([]string, len(channels))
	for i, c := range channels {
		names[i] = c.Name
	}
	if len(channels) == 0 {
		m.logger().Info("reminders: no channel configured (reminders.slack or reminders.smtp); only the reminder gauges are kept")
	} else {
		m.logger().Info("reminders: scheduler started", "channels", names, "interval", cfg.Interval.String())
	}
	return &reminder.Scheduler{
		Store: m.Store, Channels: channels, Metrics: metrics, Now: m.Now,
		Interval: cfg.Interval.Std(), DueSoonDays: cfg.DueSoonDays,
		ReviewDueDays: m.Config.Review.ReviewDueDays, BaseURL: m.Config.Server.BaseURL,
		Log: m.logger(),
	}
}
