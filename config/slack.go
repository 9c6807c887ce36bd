package config

import (
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Environment variables that override the Slack app's secrets.
const (
	EnvSlackBotToken      = "HINDSIGHT_SLACK_BOT_TOKEN"
	EnvSlackSigningSecret = "HINDSIGHT_SLACK_SIGNING_SECRET"
	EnvSlackUpdatesURL    = "HINDSIGHT_SLACK_UPDATES_WEBHOOK_URL"
)

// SlackAppConfig is the Slack app (docs/slack.md): a channel per incident,
// updates, the timeline captured from pins and reactions, and the slash
// command. Without a bot token the app is off; with only WebhookURL, the
// updates go to that incoming webhook (Slack or Mattermost) and nothing is
// captured.
type SlackAppConfig struct {
	// BotToken (xoxb-…) and SigningSecret are secrets.
	BotToken      Secret `yaml:"bot_token" json:"bot_token"`
	SigningSecret Secret `yaml:"signing_secret" json:"signing_secret"`
	// APIURL is the Web API's base URL; "" means Slack's own.
	APIURL string `yaml:"api_url" json:"api_url,omitempty"`
	// MinSeverity is the least severity that gets a channel.
	MinSeverity hindsight.Severity `yaml:"min_severity" json:"min_severity"`
	// Channel, when set (a channel ID, C…), receives every incident's
	// posts instead of a channel per incident.
	Channel string `yaml:"channel" json:"channel,omitempty"`
	// Private makes the incident channels private.
	Private bool `yaml:"private" json:"private"`
	// Responders are the Slack user IDs invited to each incident channel.
	Responders []string `yaml:"responders" json:"responders"`
	// Reactions are the emoji names whose reaction captures a message into
	// the timeline (a pin always does).
	Reactions []string `yaml:"reactions" json:"reactions"`
	// Command is the slash command's name, such as /incident.
	Command string `yaml:"command" json:"command"`
	// Users maps Slack user IDs onto Hindsight handles and roles: who may
	// use the slash command, and whose name a captured message shows.
	Users map[string]SlackUser `yaml:"users" json:"users,omitempty"`
	// DirectoryRole is the role of a Slack user not in Users but known to
	// the directory of people (its slack_id): viewer by default, so that
	// the directory alone grants no change.
	DirectoryRole hindsight.Role `yaml:"directory_role" json:"directory_role"`
	// Interval is the time between two passes of channel creation, updates
	// and the event queue.
	Interval Duration `yaml:"interval" json:"interval"`
	// WebhookURL is an incoming webhook (Slack, Mattermost) that gets the
	// updates when no bot token is set; a secret.
	WebhookURL Secret `yaml:"webhook_url" json:"webhook_url"`
}

// SlackUser is the Hindsight person behind a Slack user.
type SlackUser struct {
	Handle string         `yaml:"handle" json:"handle"`
	Role   hindsight.Role `yaml:"role" json:"role"`
}

// Enabled reports whether the Slack app runs with a bot token.
func (s SlackAppConfig) Enabled() bool { return s.BotToken != "" }

// defaultSlack returns the Slack app's defaults: off, SEV2 and above,
// pushpin and stopwatch, /incident, a pass every 10 seconds.
func defaultSlack() SlackAppConfig {
	return SlackAppConfig{
		MinSeverity:   hindsight.SEV2,
		Reactions:     []string{"pushpin", "stopwatch"},
		Command:       "/incident",
		DirectoryRole: hindsight.RoleViewer,
		Interval:      Duration(10 * time.Second),
	}
}

// slack checks the Slack app's settings.
func (v *fieldErrors) slack(s SlackAppConfig) {
	if !s.MinSeverity.Valid() {
		v.add("slack.min_severity", "must be one of SEV1 to SEV5, got %q", s.MinSeverity)
	}
	if s.BotToken != "" && s.SigningSecret == "" {
		v.add("slack.signing_secret", "is required with slack.bot_token (the app's Basic Information page)")
	}
	if s.BotToken != "" && !strings.HasPrefix(string(s.BotToken), "xoxb-") {
		v.add("slack.bot_token", "must be a bot token, starting with xoxb-")
	}
	if !strings.HasPrefix(s.Command, "/") || strings.ContainsAny(s.Command, " \t") {
		v.add("slack.command", "must be one word starting with /, such as /incident")
	}
	if s.Interval.Std() <= 0 {
		v.add("slack.interval", "must be positive, such as 10s")
	}
	if s.APIURL != "" {
		v.webURL("slack.api_url", s.APIURL)
	}
	if s.WebhookURL != "" {
		v.webURL("slack.webhook_url", string(s.WebhookURL))
	}
	if !s.DirectoryRole.Valid() {
		v.add("slack.directory_role", "must be viewer, editor, approver or admin")
	}
	for id, u := range s.Users {
		if !hindsight.ValidHandle(u.Handle) {
			v.add("slack.users."+id+".handle", "must be a handle such as alice")
		}
		if u.Role != "" && !u.Role.Valid() {
			v.add("slack.users."+id+".role", "must be viewer, editor, approver or admin (empty means editor)")
		}
	}
}
