package tracker

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
	gitlab "gitlab.com/gitlab-org/api/client-go/v2"
)

// GitLab is the Adapter of one project's issues on GitLab (gitlab.com or
// self-managed), over REST v4 with gitlab.com/gitlab-org/api/client-go.
type GitLab struct {
	// Client is built with gitlab.WithoutRetries: the outbox retries.
	Client *gitlab.Client
	// Project is the project's path, such as "acme/platform".
	Project string
	Labels  []string
	// WebhookSecret is the webhook's secret token, which GitLab sends as
	// X-Gitlab-Token.
	WebhookSecret string
	// WebHost is the host of issues' web addresses.
	WebHost string
}

var _ Adapter = (*GitLab)(nil)

// NewGitLabClient returns a client of the GitLab at baseURL ("" for
// gitlab.com) with a personal, group or project access token (scope api),
// without the library's own retries.
func NewGitLabClient(baseURL, token string) (*gitlab.Client, error) {
	opts := []gitlab.ClientOptionFunc{gitlab.WithoutRetries()}
	if baseURL != "" {
		opts = append(opts, gitlab.WithBaseURL(baseURL))
	}
	return gitlab.NewClient(token, opts...)
}

// gitlabError is a GitLab answer other than 2xx, which knows whether a
// retry may succeed.
type gitlabError struct{ err *gitlab.ErrorResponse }

func (e *gitlabError) Error() string { return "gitlab: " + e.err.Error() }

// Transient reports a server error or a rate limit.
func (e *gitlabError) Transient() bool {
	return e.err.StatusCode >= 500 || e.err.StatusCode == http.StatusTooManyRequests
}

// wrapGitLab gives an API error its Transient method; other errors (no
// answer at all) are transient as they are.
func wrapGitLab(err error) error {
	var er *gitlab.ErrorResponse
	if errors.As(err, &er) {
		return &gitlabError{err: er}
	}
	if err != nil {
		return fmt.Errorf("gitlab: %w", err)
	}
	return nil
}

func (g *GitLab) issue(is *gitlab.Issue) Issue {
	return Issue{Key: g.Project + "#" + strconv.FormatInt(is.IID, 10), URL: is.WebURL, Closed: is.State == "closed"}
}

func (g *GitLab) iid(key string) (int64, error) {
	p, n, ok := strings.Cut(key, "#")
	iid, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || iid <= 0 || p != g.Project {
		return 0, hindsight.Errorf(hindsight.EINVALID, "%q is not an issue of GitLab project %s", key, g.Project)
	}
	return iid, nil
}

// dueDate returns d's due date for GitLab, nil for none.
func dueDate(d Draft) *gitlab.ISOTime {
	if d.Due.IsZero() {
		return nil
	}
	t := gitlab.ISOTime(d.Due)
	return &t
}

// assignees returns the assignee_ids of d's issue: the GitLab user whose
// username is d.Assignee (the owner's handle in the directory), or nil
// when the draft names no one or GitLab has no such user; the body names
// the owner either way. One ID in assignee_ids is what every tier takes
// (GitLab Free keeps one assignee).
func (g *GitLab) assignees(ctx context.Context, d Draft) (*[]int64, error) {
	if d.Assignee == "" {
		return nil, nil
	}
	users, _, err := g.Client.Users.ListUsers(&gitlab.ListUsersOptions{Username: &d.Assignee}, gitlab.WithContext(ctx))
	if err != nil {
		return nil, wrapGitLab(err)
	}
	for _, u := range users {
		if strings.EqualFold(u.Username, d.Assignee) {
			return &[]int64{u.ID}, nil
		}
	}
	return nil, nil
}

// Create opens an issue with the route's labels, the item's due date and,
// when the route assigns, the owner.
func (g *GitLab) Create(ctx context.Context, d Draft) (Issue, error) {
	labels := gitlab.LabelOptions(append([]string{}, g.Labels...))
	opt := &gitlab.CreateIssueOptions{Title: &d.Title, Description: &d.Body, DueDate: dueDate(d)}
	if len(labels) > 0 {
		opt.Labels = &labels
	}
	var err error
	if opt.AssigneeIDs, err = g.assignees(ctx, d); err != nil {
		return Issue{}, err
	}
	is, _, err := g.Client.Issues.CreateIssue(g.Project, opt, gitlab.WithContext(ctx))
	if err != nil {
		return Issue{}, wrapGitLab(err)
	}
	return g.issue(is), nil
}

// Update changes an issue's title, description and due date, and its
// assignee when the draft names one GitLab knows.
func (g *GitLab) Update(ctx context.Context, key string, d Draft) error {
	iid, err := g.iid(key)
	if err != nil {
		return err
	}
	opt := &gitlab.UpdateIssueOptions{Title: &d.Title, Description: &d.Body, DueDate: dueDate(d)}
	if opt.AssigneeIDs, err = g.assignees(ctx, d); err != nil {
		return err
	}
	_, _, err = g.Client.Issues.UpdateIssue(g.Project, iid, opt, gitlab.WithContext(ctx))
	return wrapGitLab(err)
}

// Get reads an issue.
func (g *GitLab) Get(ctx context.Context, key string) (Issue, error) {
	iid, err := g.iid(key)
	if err != nil {
		return Issue{}, err
	}
	is, _, err := g.Client.Issues.GetIssue(g.Project, iid, gitlab.WithContext(ctx))
	if err != nil {
		return Issue{}, wrapGitLab(err)
	}
	return g.issue(is), nil
}

// ParseURL reads https://HOST/<project>/-/issues/N of the route's project.
func (g *GitLab) ParseURL(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Host, g.WebHost) {
		return "", false
	}
	project, n, ok := strings.Cut(strings.Trim(u.Path, "/"), "/-/issues/")
	iid, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || iid <= 0 || !strings.EqualFold(project, g.Project) {
		return "", false
	}
	return g.Project + "#" + strconv.FormatInt(iid, 10), true
}

// Webhook checks X-Gitlab-Token and decodes an "Issue Hook" delivery that
// closes, reopens or opens an issue of the route's project; other events
// and actions are accepted and ignored.
func (g *GitLab) Webhook(h http.Header, body []byte) (*Event, error) {
	got := h.Get("X-Gitlab-Token")
	if g.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(g.WebhookSecret)) != 1 {
		return nil, hindsight.Errorf(hindsight.EUNAUTHORIZED, "the delivery's X-Gitlab-Token does not match the webhook secret")
	}
	typ := gitlab.EventType(h.Get("X-Gitlab-Event"))
	if typ != gitlab.EventTypeIssue && typ != gitlab.EventConfidentialIssue {
		return nil, nil
	}
	ev, err := gitlab.ParseWebhook(typ, body)
	if err != nil {
		return nil, hindsight.Errorf(hindsight.EINVALID, "gitlab: not an issue event: %v", err)
	}
	e, ok := ev.(*gitlab.IssueEvent)
	if !ok || e.ObjectAttributes.IID <= 0 {
		return nil, hindsight.Errorf(hindsight.EINVALID, "gitlab: issue event without an issue")
	}
	switch e.ObjectAttributes.Action {
	case "close", "reopen", "open":
	default:
		return nil, nil
	}
	if !strings.EqualFold(e.Project.PathWithNamespace, g.Project) {
		return nil, nil
	}
	actor := "gitlab"
	if e.User != nil && e.User.Username != "" {
		actor = "gitlab:" + e.User.Username
	}
	return &Event{Actor: actor, Issue: Issue{Key: g.Project + "#" + strconv.FormatInt(e.ObjectAttributes.IID, 10),
		URL: e.ObjectAttributes.URL, Closed: e.ObjectAttributes.State == "closed"}}, nil
}
