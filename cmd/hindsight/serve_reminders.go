package main

import (
	"context"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/reminder"
	"github.com/hindsight-sre/hindsight/worker"
)

// startReminders runs the reminder scheduler until Close: one pass now,
// then one every reminders.interval. Its metrics join the server's
// /metrics. Stopping it waits for its pass to end; a claim it holds is
// released, so another instance or the next start sends it.
func (m *Main) startReminders() {
	sched := m.reminderScheduler()
	m.startWorker(worker.Task{Name: workerReminders, Interval: orDefaultDuration(sched.Interval, reminder.DefaultInterval),
		Run: func(ctx context.Context) (int, error) {
			res, err := sched.RunOnce(ctx)
			return res.Sent + res.Failed, err
		}})
}

// reminderScheduler builds the scheduler from the configuration: a channel
// for the Slack webhook and one for SMTP, each only when configured; to a
// person, their e-mail over SMTP and their Slack direct messages when the
// Slack app is configured.
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
	var people []notify.PersonChannel
	if s := cfg.SMTP; s.Enabled() {
		smtp := &notify.SMTP{Host: s.Host, Port: s.Port, Username: s.Username,
			Password: string(s.Password), From: s.From, To: s.To, StartTLS: s.StartTLS, Now: m.Now}
		if len(s.To) > 0 {
			add(notify.ChannelSMTP, smtp)
		}
		people = append(people, notify.PersonChannel{Name: notify.ChannelPersonEmail, Notifier: smtp})
	}
	if dm := m.SlackDM(); dm != nil {
		people = append(people, notify.PersonChannel{Name: notify.ChannelPersonSlack, Notifier: &notify.SlackDM{DM: dm.SendDM}})
	}
	names := make([]string, len(channels))
	for i, c := range channels {
		names[i] = c.Name
	}
	if len(channels) == 0 && len(people) == 0 {
		m.logger().Info("reminders: no channel configured (reminders.slack or reminders.smtp); no reminder is sent")
	} else {
		m.logger().Info("reminders: scheduler started", "channels", names, "interval", cfg.Interval.String())
	}
	return &reminder.Scheduler{
		Store: m.Store, Channels: channels, Metrics: metrics, Now: m.Now,
		PersonChannels: people, Recipients: m.recipients,
		Interval: cfg.Interval.Std(), DueSoonDays: cfg.DueSoonDays,
		ReviewDueDays: m.Config.Review.ReviewDueDays, BaseURL: m.Config.Server.BaseURL,
		Log: m.logger(),
	}
}

// recipients finds a reminder's person in the directory.
func (m *Main) recipients(ctx context.Context, ref string) (*hindsight.Person, error) {
	return hindsight.ResolvePerson(ctx, m.Store, ref)
}
