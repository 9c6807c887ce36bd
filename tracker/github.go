package tracker

import (
	"context"
	"net/http"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/github"
)

// GitHub is the Adapter of one repository's issues on GitHub or GitHub
// Enterprise Server.
type GitHub struct {
	Client        *github.Client
	Repository    string
	Labels        []string
	WebhookSecret string
	// WebHost is the host of issues' web addresses (github.com, or the
	// Enterprise Server's).
	WebHost string
}

var _ Adapter = (*GitHub)(nil)

func (g *GitHub) issue(is *github.Issue) Issue {
	return Issue{
		Key:        github.IssueKey(g.Repository, is.Number),
		URL:        is.HTMLURL,
		Closed:     is.State == "closed",
		NotPlanned: is.StateReason == "not_planned" || is.StateReason == "duplicate",
	}
}

// Create opens an issue with the route's labels.
func (g *GitHub) Create(ctx context.Context, d Draft) (Issue, error) {
	labels := append([]string{}, g.Labels...)
	req := github.IssueRequest{Title: &d.Title, Body: &d.Body, Labels: &labels}
	if d.Assignee != "" {
		req.Assignees = &[]string{d.Assignee}
	}
	is, err := g.Client.CreateIssue(ctx, g.Repository, req)
	if err != nil {
		return Issue{}, err
	}
	out := g.issue(is)
	return out, nil
}

// Update changes an issue's title and body, and its assignee when the
// draft names one.
func (g *GitHub) Update(ctx context.Context, key string, d Draft) error {
	repo, n, ok := github.ParseIssueKey(key)
	if !ok {
		return hindsight.Errorf(hindsight.EINVALID, "%q is not a GitHub issue key (owner/repo#number)", key)
	}
	req := github.IssueRequest{Title: &d.Title, Body: &d.Body}
	if d.Assignee != "" {
		req.Assignees = &[]string{d.Assignee}
	}
	_, err := g.Client.EditIssue(ctx, repo, n, req)
	return err
}

// Get reads an issue.
func (g *GitHub) Get(ctx context.Context, key string) (Issue, error) {
	repo, n, ok := github.ParseIssueKey(key)
	if !ok {
		return Issue{}, hindsight.Errorf(hindsight.EINVALID, "%q is not a GitHub issue key (owner/repo#number)", key)
	}
	is, err := g.Client.GetIssue(ctx, repo, n)
	if err != nil {
		return Issue{}, err
	}
	out := g.issue(is)
	out.Key = github.IssueKey(repo, n)
	return out, nil
}

// ParseURL reads https://HOST/owner/repo/issues/N on the tracker's host.
func (g *GitHub) ParseURL(u string) (string, bool) {
	repo, n, ok := github.ParseIssueURL(g.WebHost, u)
	if !ok {
		return "", false
	}
	return github.IssueKey(repo, n), true
}

// Webhook verifies X-Hub-Signature-256 and decodes an "issues" delivery
// that opens, closes or reopens an issue; other events and actions are
// accepted and ignored.
func (g *GitHub) Webhook(h http.Header, body []byte) (*Event, error) {
	if !github.VerifySignature(g.WebhookSecret, body, h.Get(github.SignatureHeader)) {
		return nil, hindsight.Errorf(hindsight.EUNAUTHORIZED, "the delivery's %s does not match the webhook secret", github.SignatureHeader)
	}
	if h.Get(github.EventHeader) != "issues" {
		return nil, nil
	}
	e, err := github.DecodeIssuesEvent(body)
	if err != nil {
		return nil, hindsight.Errorf(hindsight.EINVALID, "%v", err)
	}
	switch e.Action {
	case "closed", "reopened", "opened":
	default:
		return nil, nil
	}
	repo := e.Repository.FullName
	if strings.EqualFold(repo, g.Repository) {
		// GitHub's names are case-insensitive; the stored key uses the
		// configured spelling.
		repo = g.Repository
	}
	is := g.issue(&e.Issue)
	is.Key = github.IssueKey(repo, e.Issue.Number)
	return &Event{Issue: is, Actor: "github:" + e.Sender.Login}, nil
}
