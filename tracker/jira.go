package tracker

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Jira is the Adapter of one project's issues on Jira Cloud or Jira Data
// Center, over REST API v2 with the standard library (the go-jira module
// is not served by the module proxy this project builds from).
type Jira struct {
	// BaseURL is the site, such as https://acme.atlassian.net.
	BaseURL string
	// Project is the project key, such as "OPS".
	Project   string
	IssueType string
	Labels    []string
	// Username is the account's e-mail on Jira Cloud (basic auth with an
	// API token); "" sends Token as a Data Center personal access token.
	Username string
	Token    string
	// WebhookSecret verifies X-Hub-Signature of deliveries.
	WebhookSecret string
	// Statuses maps Jira status names onto action statuses; a status not
	// named is done when its category is done, open otherwise.
	Statuses map[string]hindsight.ActionStatus
	HTTP     *http.Client
}

var _ Adapter = (*Jira)(nil)

// jiraError is a Jira answer other than 2xx.
type jiraError struct {
	method, path string
	status       int
	body         string
}

func (e *jiraError) Error() string {
	return fmt.Sprintf("jira: %s %s: %d %s", e.method, e.path, e.status, e.body)
}

// Transient reports a server error or a rate limit.
func (e *jiraError) Transient() bool {
	return e.status >= 500 || e.status == http.StatusTooManyRequests
}

// do sends one request to the REST API v2 and decodes a JSON answer.
func (j *Jira) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(j.BaseURL, "/")+"/rest/api/2/"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if j.Username != "" {
		req.SetBasicAuth(j.Username, j.Token)
	} else {
		req.Header.Set("Authorization", "Bearer "+j.Token)
	}
	hc := j.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("jira: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(data))
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return &jiraError{method: method, path: req.URL.Path, status: resp.StatusCode, body: msg}
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("jira: %s %s: cannot decode the answer: %w", method, path, err)
	}
	return nil
}

// jiraFields are the fields Hindsight writes.
func (j *Jira) fields(d Draft, create bool) map[string]any {
	f := map[string]any{"summary": d.Title, "description": d.Body}
	if !d.Due.IsZero() {
		f["duedate"] = d.Due.Format("2006-01-02")
	}
	if create {
		f["project"] = map[string]string{"key": j.Project}
		f["issuetype"] = map[string]string{"name": j.IssueType}
		if len(j.Labels) > 0 {
			f["labels"] = j.Labels
		}
	}
	return f
}

func (j *Jira) browse(key string) string {
	return strings.TrimSuffix(j.BaseURL, "/") + "/browse/" + key
}

// Create opens an issue of the project's issue type.
func (j *Jira) Create(ctx context.Context, d Draft) (Issue, error) {
	var out struct {
		Key string `json:"key"`
	}
	if err := j.do(ctx, http.MethodPost, "issue", map[string]any{"fields": j.fields(d, true)}, &out); err != nil {
		return Issue{}, err
	}
	if out.Key == "" {
		return Issue{}, fmt.Errorf("jira: created issue without a key")
	}
	return Issue{Key: out.Key, URL: j.browse(out.Key)}, nil
}

// Update changes an issue's summary, description and due date.
func (j *Jira) Update(ctx context.Context, key string, d Draft) error {
	return j.do(ctx, http.MethodPut, "issue/"+url.PathEscape(key), map[string]any{"fields": j.fields(d, false)}, nil)
}

// jiraStatus is an issue's status as the API and webhooks give it.
type jiraStatus struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

// issue maps a status onto an Issue through Statuses.
func (j *Jira) issue(key string, st jiraStatus) Issue {
	is := Issue{Key: key, URL: j.browse(key)}
	switch j.Statuses[st.Name] {
	case hindsight.ActionDone:
		is.Closed = true
	case hindsight.ActionWontDo:
		is.Closed, is.NotPlanned = true, true
	case hindsight.ActionOpen, hindsight.ActionInProgress:
	default:
		is.Closed = st.StatusCategory.Key == "done"
	}
	return is
}

// Get reads an issue's status.
func (j *Jira) Get(ctx context.Context, key string) (Issue, error) {
	var out struct {
		Key    string `json:"key"`
		Fields struct {
			Status jiraStatus `json:"status"`
		} `json:"fields"`
	}
	if err := j.do(ctx, http.MethodGet, "issue/"+url.PathEscape(key)+"?fields=status", nil, &out); err != nil {
		return Issue{}, err
	}
	return j.issue(key, out.Fields.Status), nil
}

// ParseURL reads https://SITE/browse/KEY-N of the route's project.
func (j *Jira) ParseURL(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	base, berr := url.Parse(j.BaseURL)
	if err != nil || berr != nil || !strings.EqualFold(u.Host, base.Host) {
		return "", false
	}
	key, ok := strings.CutPrefix(strings.TrimSuffix(u.Path, "/"), strings.TrimSuffix(base.Path, "/")+"/browse/")
	if !ok || !strings.HasPrefix(key, j.Project+"-") || strings.Contains(key, "/") {
		return "", false
	}
	return key, true
}

// jiraEvent is the part of a jira:issue_updated delivery Hindsight reads.
type jiraEvent struct {
	WebhookEvent string `json:"webhookEvent"`
	User         struct {
		DisplayName string `json:"displayName"`
		Name        string `json:"name"`
	} `json:"user"`
	Issue struct {
		Key    string `json:"key"`
		Fields struct {
			Status jiraStatus `json:"status"`
		} `json:"fields"`
	} `json:"issue"`
}

// Webhook verifies X-Hub-Signature (HMAC-SHA256 of the body under the
// webhook's secret, as Jira sends for webhooks registered with a secret)
// and decodes a jira:issue_updated delivery of the route's project.
func (j *Jira) Webhook(h http.Header, body []byte) (*Event, error) {
	sig, ok := strings.CutPrefix(h.Get("X-Hub-Signature"), "sha256=")
	got, err := hex.DecodeString(sig)
	mac := hmac.New(sha256.New, []byte(j.WebhookSecret))
	mac.Write(body)
	if !ok || err != nil || j.WebhookSecret == "" || !hmac.Equal(got, mac.Sum(nil)) {
		return nil, hindsight.Errorf(hindsight.EUNAUTHORIZED, "the delivery's X-Hub-Signature does not match the webhook secret")
	}
	var e jiraEvent
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, hindsight.Errorf(hindsight.EINVALID, "jira: not a webhook delivery: %v", err)
	}
	if e.WebhookEvent != "jira:issue_updated" || !strings.HasPrefix(e.Issue.Key, j.Project+"-") {
		return nil, nil
	}
	actor := "jira"
	if n := firstNonEmpty(e.User.Name, e.User.DisplayName); n != "" {
		actor = "jira:" + n
	}
	return &Event{Issue: j.issue(e.Issue.Key, e.Issue.Fields.Status), Actor: actor}, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
