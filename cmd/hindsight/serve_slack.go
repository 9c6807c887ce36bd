package main

import (
	"context"

	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/slack"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/worker"
)

// workerSlack names the Slack app's pass in the worker metrics.
const workerSlack = "slack"

// newSlack builds the Slack app from the slack section: with a bot token,
// the whole app (the server serves its Events API and slash command
// routes); with only slack.webhook_url, the updates to that incoming
// webhook; with neither, nil.
func (m *Main) newSlack(store *sqlstore.Store) *slack.App {
	cfg := m.Config.Slack
	if !cfg.Enabled() && cfg.WebhookURL == "" {
		return nil
	}
	users := make(map[string]slack.Person, len(cfg.Users))
	for id, u := range cfg.Users {
		users[id] = slack.Person{Handle: u.Handle, Role: u.Role}
	}
	app := &slack.App{
		SigningSecret: string(cfg.SigningSecret), Store: store, MinSeverity: cfg.MinSeverity,
		Channel: cfg.Channel, Private: cfg.Private, Responders: cfg.Responders, Reactions: cfg.Reactions,
		Users: users, People: store, DirectoryRole: cfg.DirectoryRole, Policy: m.Config.Review.Policy(), BaseURL: m.Config.Server.BaseURL, Now: m.Now, Log: m.logger(),
	}
	if m.review != nil {
		app.Workflow = m.review
	}
	if cfg.Enabled() {
		app.Client = slack.NewClient(string(cfg.BotToken), cfg.APIURL, nil)
	} else {
		app.Webhook = &notify.Slack{WebhookURL: string(cfg.WebhookURL)}
	}
	m.logger().Info("slack: app configured", "bot", cfg.Enabled(), "webhook_only", !cfg.Enabled(),
		"min_severity", cfg.MinSeverity, "interval", cfg.Interval.String())
	return app
}

// startSlack runs the Slack app's pass (channels, updates, queued events)
// every slack.interval until Close.
func (m *Main) startSlack() {
	if m.slack == nil {
		return
	}
	app := m.slack
	m.startWorker(worker.Task{Name: workerSlack, Interval: m.Config.Slack.Interval.Std(), Run: func(ctx context.Context) (int, error) {
		res, err := app.RunOnce(ctx)
		return res.Done(), err
	}})
}

// SlackDM returns the Slack app's direct messages to a person, or nil when
// no bot token is configured.
func (m *Main) SlackDM() slack.DirectMessenger {
	if m.slack == nil || m.slack.Client == nil {
		return nil
	}
	return m.slack
}
