package slack

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/hindsight-sre/hindsight"
)

// CommandUsage lists the slash command's subcommands.
const CommandUsage = "Usage, in an incident's channel: `ack`, `mitigated`, `resolved`, `severity SEV1`…`SEV5`, `note TEXT`, `status`."

// CommandAnswer is the JSON answer to a slash command.
type CommandAnswer struct {
	// ResponseType is "in_channel" (everyone sees it) or "ephemeral" (only
	// the person who typed the command).
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

func ephemeral(format string, args ...any) CommandAnswer {
	return CommandAnswer{ResponseType: "ephemeral", Text: fmt.Sprintf(format, args...)}
}

// ServeCommand is the slash command endpoint: verified like the Events
// API, then run at once (one short transaction, well within Slack's three
// seconds) as the Hindsight person the Slack user is mapped to. A user not
// mapped, a channel that is no incident's, or a refused change get an
// answer only they see, and nothing is changed.
func (a *App) ServeCommand(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readVerified(w, r)
	if !ok {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, hindsight.EINVALID, "slack: the body is not a slash command form")
		return
	}
	writeJSON(w, http.StatusOK, a.Run(r.Context(), cmd))
}

// Run carries out one slash command and returns the answer.
func (a *App) Run(ctx context.Context, cmd slack.SlashCommand) CommandAnswer {
	p, ok := a.person(ctx, cmd.UserID)
	if !ok {
		a.log().Info("slack: slash command from a user who is not mapped", "user_id", cmd.UserID)
		return ephemeral("Your Slack user (%s) is not linked to a Hindsight person, so nothing was changed. "+
			"Ask an admin to add it under slack.users in hindsight.yaml, or as the slack_id of your entry in the directory of people.", Escape(cmd.UserID))
	}
	c, err := a.Store.FindSlackChannelByID(ctx, cmd.ChannelID)
	if err != nil {
		if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
			return ephemeral("This channel is not an incident's channel, so nothing was changed. Run %s in the incident's channel.", Escape(cmd.Command))
		}
		return ephemeral("Hindsight cannot read its store right now (%s); nothing was changed, try again.", Escape(hindsight.ErrorMessage(err)))
	}
	role := p.Role
	if role == "" {
		role = hindsight.RoleEditor
	}
	id := hindsight.Identity{Name: hindsight.HandleName(p.Handle), Role: role, Method: "slack"}
	ctx = hindsight.NewContextWithIdentity(ctx, id)
	verb, arg, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	verb, arg = strings.ToLower(verb), strings.TrimSpace(arg)
	if verb == "status" {
		return a.statusAnswer(ctx, c.IncidentID)
	}
	if verb == "" || verb == "help" {
		return ephemeral("%s", CommandUsage)
	}
	if !role.Allows(hindsight.RoleEditor) {
		return ephemeral("@%s is a %s in Hindsight; changing an incident takes an editor. Nothing was changed.", Escape(id.Name), role)
	}
	text, err := a.change(ctx, c, verb, arg)
	if err != nil {
		return ephemeral("Not done: %s", Escape(hindsight.ErrorMessage(err)))
	}
	return CommandAnswer{ResponseType: "in_channel", Text: text}
}

// change runs one writing subcommand and returns what to tell the channel.
func (a *App) change(ctx context.Context, c *hindsight.SlackChannel, verb, arg string) (string, error) {
	who := "@" + hindsight.HandleName(mustIdentity(ctx).Name)
	incID := c.IncidentID
	switch verb {
	case "ack", "acknowledge":
		if _, err := a.Workflow.Respond(ctx, incID, hindsight.Acknowledge, time.Time{}); err != nil {
			return "", err
		}
		return Escape(who) + " acknowledged " + incID + ".", nil
	case "mitigated", "mitigate":
		return a.moved(ctx, c, func() error { _, err := a.Workflow.Respond(ctx, incID, hindsight.Mitigate, time.Time{}); return err },
			Escape(who)+" reported "+incID+" mitigated.")
	case "resolved", "resolve":
		return a.moved(ctx, c, func() error {
			_, err := a.Workflow.TransitionIncident(ctx, incID, hindsight.IncidentResolved, "from Slack")
			return err
		}, Escape(who)+" resolved "+incID+".")
	case "severity", "sev":
		sev, err := hindsight.ParseSeverity(arg)
		if err != nil {
			return "", hindsight.Errorf(hindsight.EINVALID, "severity must be one of SEV1 to SEV5, such as `severity SEV2`")
		}
		return a.moved(ctx, c, func() error {
			inc, err := a.Store.FindIncidentByID(ctx, incID)
			if err != nil {
				return err
			}
			_, err = a.Workflow.UpdateIncident(ctx, incID, hindsight.IncidentPatch{Severity: &sev}, inc.Version)
			return err
		}, Escape(who)+" set the severity of "+incID+" to *"+string(sev)+"*.")
	case "note":
		if arg == "" {
			return "", hindsight.Errorf(hindsight.EINVALID, "a note needs text: `note Rolled back the deploy`")
		}
		e := &hindsight.TimelineEvent{IncidentID: incID, Time: a.now().Truncate(time.Microsecond), Type: hindsight.EventNote,
			Event: "Note", Actor: hindsight.HandleName(mustIdentity(ctx).Name), Action: arg, Source: SourceSlack}
		if err := a.Workflow.AddTimelineEvent(ctx, e); err != nil {
			return "", err
		}
		return Escape(who) + " added a note to the timeline: " + Escape(oneLine(arg)), nil
	}
	return "", hindsight.Errorf(hindsight.EINVALID, "unknown subcommand %q. %s", verb, CommandUsage)
}

// moved runs a change of status or severity and marks it posted, so that
// the update pass does not announce again what the answer says.
func (a *App) moved(ctx context.Context, c *hindsight.SlackChannel, do func() error, text string) (string, error) {
	before, err := a.Store.FindIncidentByID(ctx, c.IncidentID)
	if err != nil {
		return "", err
	}
	if err := do(); err != nil {
		return "", err
	}
	after, err := a.Store.FindIncidentByID(ctx, c.IncidentID)
	if err != nil {
		return text, nil
	}
	for key, v := range map[string][2]string{
		hindsight.SlackPostedStatus:   {string(before.Status), string(after.Status)},
		hindsight.SlackPostedSeverity: {string(before.Severity), string(after.Severity)},
	} {
		if v[0] != v[1] && c.Posted[key] == v[0] {
			a.Store.MarkSlackPosted(ctx, c.IncidentID, key, v[0], v[1])
		}
	}
	if !c.Shared && (before.Status != after.Status || before.Severity != after.Severity) {
		if err := a.setTopic(ctx, c.ChannelID, after); err != nil {
			a.log().Warn("slack: topic not updated", "incident", c.IncidentID, "err", err)
		}
	}
	return text, nil
}

// statusAnswer tells the channel where the incident is.
func (a *App) statusAnswer(ctx context.Context, incidentID string) CommandAnswer {
	pm, err := a.Store.FindPostmortem(ctx, incidentID)
	if err != nil {
		return ephemeral("Cannot read %s: %s", incidentID, Escape(hindsight.ErrorMessage(err)))
	}
	inc := &pm.Incident
	text := fmt.Sprintf("%s: %s\nSeverity *%s* · Status *%s* · Started %s", head(inc, a.BaseURL), Escape(oneLine(inc.Title)),
		inc.Severity, inc.Status, inc.StartedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if d, ok := inc.Duration(); ok {
		text += " · Lasted " + hindsight.FormatDuration(d)
	}
	if pm.Document.Status != "" {
		text += "\nPost-mortem: *" + string(pm.Document.Status) + "*"
	}
	return CommandAnswer{ResponseType: "in_channel", Text: text}
}

func mustIdentity(ctx context.Context) hindsight.Identity {
	id, _ := hindsight.IdentityFromContext(ctx)
	return id
}
