package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// SlackTimeout bounds one webhook request.
const SlackTimeout = 10 * time.Second

// Slack posts reminders to a Slack-compatible incoming webhook (Slack,
// Mattermost, Rocket.Chat): JSON with a plain "text" fallback and "blocks"
// of mrkdwn sections.
type Slack struct {
	// WebhookURL is a secret: whoever has it can post to the channel. It is
	// never logged and never appears in an error.
	WebhookURL string
	// Client sends the request; nil means one with SlackTimeout that does not
	// follow redirects.
	Client *http.Client
	// Channel, when set, is sent as the payload's "channel" ("#eng"): the
	// channel override that Mattermost, Rocket.Chat and Slack's legacy
	// incoming webhooks honour; "" posts to the webhook's own channel.
	Channel string
}

// slackMessage is the webhook's payload.
type slackMessage struct {
	Channel string       `json:"channel,omitempty"`
	Text    string       `json:"text"`
	Blocks  []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type string    `json:"type"`
	Text slackText `json:"text"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// SlackPayload returns the JSON body posted for r.
func SlackPayload(r hindsight.Reminder) ([]byte, error) { return slackPayload(r, "") }

// slackPayload returns the JSON body posted for r to channel ("" for the
// webhook's own).
func slackPayload(r hindsight.Reminder, channel string) ([]byte, error) {
	msg := slackMessage{
		Channel: channel,
		Text:    r.Title,
		Blocks:  []slackBlock{{Type: "section", Text: slackText{Type: "mrkdwn", Text: slackHead(r)}}},
	}
	if len(r.Lines) > 0 {
		msg.Blocks = append(msg.Blocks, slackBlock{Type: "section", Text: slackText{Type: "mrkdwn", Text: slackLines(r)}})
	}
	if r.URL != "" {
		msg.Text += " " + r.URL
	}
	return json.Marshal(msg)
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// Send posts r. A 2xx answer is success; 429 and 5xx are worth retrying;
// other answers, and an unusable URL, are permanent failures.
func (s *Slack) Send(ctx context.Context, r hindsight.Reminder) error {
	body, err := slackPayload(r, s.Channel)
	if err != nil {
		return Permanent(fmt.Errorf("slack: encode message: %w", err))
	}
	return s.post(ctx, body)
}

// SendText posts one mrkdwn message (the incident updates of the Slack app
// when only an incoming webhook is configured), with the same answers as
// Send. Slack and Mattermost both read "text" as Markdown of their kind.
func (s *Slack) SendText(ctx context.Context, text string) error {
	body, err := json.Marshal(map[string]string{"text": text})
	if err != nil {
		return Permanent(fmt.Errorf("slack: encode message: %w", err))
	}
	return s.post(ctx, body)
}

// post sends one JSON payload to the webhook.
func (s *Slack) post(ctx context.Context, body []byte) error {
	u, err := url.Parse(s.WebhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Permanent(errors.New("slack: the webhook URL is not an absolute http or https URL"))
	}
	where := u.Scheme + "://" + u.Host // the path and query hold the secret
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("slack: cannot build the request to %s", where))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client().Do(req)
	if err != nil {
		return fmt.Errorf("slack: post to %s: %s", where, s.scrub(transportError(err)))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("slack: %s answered %d %s", where, resp.StatusCode, s.scrub(strings.TrimSpace(string(answer))))
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return err
	}
	return Permanent(err)
}

// transportError returns the cause of a failed request without the request
// URL that *url.Error carries.
func transportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "timed out"
		}
		return ue.Err.Error()
	}
	return err.Error()
}

// scrub removes the webhook URL and its path from s, in case an answer or a
// transport error echoes them.
func (s *Slack) scrub(msg string) string {
	if s.WebhookURL == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, s.WebhookURL, "<secret>")
	if u, err := url.Parse(s.WebhookURL); err == nil && len(u.Path) > 1 {
		msg = strings.ReplaceAll(msg, u.Path, "<secret>")
	}
	return msg
}

func (s *Slack) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{
		Timeout: SlackTimeout,
		// A redirect would resend the message elsewhere; treat it as an error.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// String names the channel without its secret.
func (s *Slack) String() string { return "slack webhook <secret>" }
