// Package slack is Hindsight's Slack app, over github.com/slack-go/slack:
// a channel per incident (created once across instances), updates posted
// to it, the timeline captured from pins and reactions, the /incident slash
// command, and direct messages to a person. Events API callbacks are
// verified, queued durably before they are answered, and applied by a
// background pass. With only an incoming webhook configured, the updates go
// there (notify.Slack) and nothing is captured.
package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
)

// Defaults for zero App fields.
const (
	// DefaultLease is how long a claim on a channel's creation or on queued
	// events stays exclusive.
	DefaultLease = 2 * time.Minute
	// MaxAttempts bounds the tries of one Web API call answered "rate
	// limited" (each after Slack's Retry-After) and of one queued event.
	MaxAttempts = 5
	// EventRetention is how long an applied event is remembered, so that
	// a late retry of it is recognised.
	EventRetention = 24 * time.Hour
	// MaxRetryAfter bounds one wait for Slack's Retry-After.
	MaxRetryAfter = time.Minute
)

// Store is what the app reads and writes.
type Store interface {
	hindsight.SlackService
	FindSlackMessage(ctx context.Context, channelID, ts string) (*hindsight.SlackMessage, error)
	FindIncidents(ctx context.Context, f hindsight.IncidentFilter) ([]*hindsight.Incident, int, error)
	FindIncidentByID(ctx context.Context, id string) (*hindsight.Incident, error)
	FindPostmortem(ctx context.Context, incidentID string) (*hindsight.Postmortem, error)
	FindImpact(ctx context.Context, incidentID string) (*hindsight.ImpactRecord, error)
}

// Workflow is the review workflow the slash command acts through, so that
// a change from chat is the same change, with the same rules and history,
// as one from the web UI (review.Service).
type Workflow interface {
	Respond(ctx context.Context, incidentID string, what hindsight.Response, at time.Time) (*hindsight.TimelineEvent, error)
	TransitionIncident(ctx context.Context, incidentID string, to hindsight.IncidentStatus, reason string) (*hindsight.Incident, error)
	UpdateIncident(ctx context.Context, incidentID string, p hindsight.IncidentPatch, expectedVersion int) (*hindsight.Incident, error)
	AddTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error
}

// TextPoster posts one mrkdwn message to an incoming webhook
// (notify.Slack).
type TextPoster interface {
	SendText(ctx context.Context, text string) error
}

// Person is the Hindsight person behind a Slack user.
type Person struct {
	Handle string
	Role   hindsight.Role
}

// App is the Slack app. Set its fields, then call its passes (RunOnce) from
// a worker and serve its handlers (ServeEvents, ServeCommand).
type App struct {
	// Client talks to the Web API; nil with Webhook set means updates only.
	Client *slack.Client
	// Webhook receives the updates when Client is nil.
	Webhook       TextPoster
	SigningSecret string
	Store         Store
	Workflow      Workflow
	// MinSeverity is the least severity that gets a channel.
	MinSeverity hindsight.Severity
	// Channel, when set, receives every incident's posts instead of a
	// channel of its own.
	Channel    string
	Private    bool
	Responders []string
	// Reactions capture a message into the timeline (a pin always does).
	Reactions []string
	// Users maps Slack user IDs onto people.
	Users map[string]Person
	// People is the directory of people: a Slack user not in Users is
	// the person whose SlackID it is, with DirectoryRole (viewer when
	// empty). Nil means Users only.
	People        hindsight.PersonService
	DirectoryRole hindsight.Role
	// Policy names each sign-off role's reviewers, mentioned in review
	// requests.
	Policy hindsight.SignOffPolicy
	// BaseURL is the web UI's public URL used in links; "" leaves them out.
	BaseURL string
	Now     func() time.Time
	Lease   time.Duration
	Log     *slog.Logger
	// Sleep waits for Retry-After; nil means a timer (tests shorten it).
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewClient returns a Web API client with a bot token; apiURL "" means
// Slack's own.
func NewClient(token, apiURL string, hc *http.Client) *slack.Client {
	opts := []slack.Option{}
	if apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(apiURL))
	}
	if hc != nil {
		opts = append(opts, slack.OptionHTTPClient(hc))
	}
	return slack.New(token, opts...)
}

// call runs one Web API call, waiting for Slack's Retry-After and trying
// again when it answers "rate limited", at most MaxAttempts times.
func (a *App) call(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || attempt >= MaxAttempts {
			if err != nil {
				return fmt.Errorf("slack: %s: %w", what, err)
			}
			return nil
		}
		wait := min(max(rl.RetryAfter, time.Second), MaxRetryAfter)
		a.log().Info("slack: rate limited; waiting for Retry-After", "call", what, "retry_after", wait.String(), "attempt", attempt)
		if err := a.sleep(ctx, wait); err != nil {
			return fmt.Errorf("slack: %s: %w", what, err)
		}
	}
}

func (a *App) sleep(ctx context.Context, d time.Duration) error {
	if a.Sleep != nil {
		return a.Sleep(ctx, d)
	}
	return notify.Wait(ctx, d)
}

// PassResult counts what one pass did.
type PassResult struct {
	ChannelsCreated, UpdatesPosted, EventsApplied int
}

// Done is the number of things the pass did, for the worker's metrics.
func (r PassResult) Done() int { return r.ChannelsCreated + r.UpdatesPosted + r.EventsApplied }

// RunOnce makes one pass: create the channels due, post the updates due,
// apply the queued events, prune old ones. Failures of one incident or
// event are logged and retried on a later pass; the error joins them.
func (a *App) RunOnce(ctx context.Context) (PassResult, error) {
	var res PassResult
	var errs []error
	n, err := a.CreateChannels(ctx)
	res.ChannelsCreated, errs = n, append(errs, err)
	n, err = a.PostUpdates(ctx)
	res.UpdatesPosted, errs = n, append(errs, err)
	if a.Client != nil {
		n, err = a.ApplyQueued(ctx)
		res.EventsApplied, errs = n, append(errs, err)
	}
	_, err = a.Store.PruneSlackEvents(ctx, a.now().Add(-EventRetention))
	return res, errors.Join(append(errs, err)...)
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

func (a *App) lease() time.Duration {
	if a.Lease > 0 {
		return a.Lease
	}
	return DefaultLease
}

func (a *App) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// newToken returns a random claim token.
func newToken() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
