// Package github talks to GitHub and GitHub Enterprise Server Issues over
// the REST API (https://docs.github.com/rest/issues/issues): create, edit
// and read an issue, and verify and decode the "issues" webhook. It covers
// only what Hindsight's tracker sync uses, with the standard library: the
// go-github module is not served by the module proxy this project builds
// from (docs/trackers.md).
package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is github.com's REST API. GitHub Enterprise Server's is
// https://HOST/api/v3/.
const DefaultBaseURL = "https://api.github.com/"

// APIVersion is the REST API version every request asks for.
const APIVersion = "2022-11-28"

// Client calls one GitHub (or GitHub Enterprise Server) REST API with a
// token: a fine-grained personal access token or a GitHub App installation
// token with "Issues: read and write" on the repositories it names.
type Client struct {
	baseURL *url.URL
	token   string
	http    *http.Client
}

// NewClient returns a client of the API at baseURL ("" for github.com).
// hc nil means a client with a 30-second timeout.
func NewClient(baseURL, token string, hc *http.Client) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if !strings.HasSuffix(baseURL, "/") {
		baseURL += "/"
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("github: base URL %q is not an absolute http(s) URL", baseURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{baseURL: u, token: token, http: hc}, nil
}

// Issue is the part of GitHub's issue object that Hindsight reads.
type Issue struct {
	Number  int    `json:"number"`
	HTMLURL string `json:"html_url"`
	Title   string `json:"title"`
	// State is "open" or "closed".
	State string `json:"state"`
	// StateReason is "completed", "not_planned", "duplicate", "reopened"
	// or empty.
	StateReason string `json:"state_reason"`
}

// IssueRequest is the body of "create an issue" and "update an issue";
// nil fields are left out, so an update changes only what it names.
type IssueRequest struct {
	Title     *string   `json:"title,omitempty"`
	Body      *string   `json:"body,omitempty"`
	Labels    *[]string `json:"labels,omitempty"`
	Assignees *[]string `json:"assignees,omitempty"`
}

// Error is an answer of the API other than 2xx.
type Error struct {
	Method, Path string
	StatusCode   int
	// Message is the API's "message", or the start of the body.
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("github: %s %s: %d %s", e.Method, e.Path, e.StatusCode, e.Message)
}

// Transient reports whether a retry may succeed: a server error, or a
// rate limit (429, or 403 with "rate limit" in the message).
func (e *Error) Transient() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests ||
		(e.StatusCode == http.StatusForbidden && strings.Contains(strings.ToLower(e.Message), "rate limit"))
}

// CreateIssue opens an issue in repo ("owner/name").
func (c *Client) CreateIssue(ctx context.Context, repo string, req IssueRequest) (*Issue, error) {
	var out Issue
	err := c.do(ctx, http.MethodPost, "repos/"+repo+"/issues", req, &out)
	return &out, err
}

// EditIssue changes the fields req names of issue number of repo.
func (c *Client) EditIssue(ctx context.Context, repo string, number int, req IssueRequest) (*Issue, error) {
	var out Issue
	err := c.do(ctx, http.MethodPatch, "repos/"+repo+"/issues/"+strconv.Itoa(number), req, &out)
	return &out, err
}

// GetIssue reads issue number of repo.
func (c *Client) GetIssue(ctx context.Context, repo string, number int) (*Issue, error) {
	var out Issue
	err := c.do(ctx, http.MethodGet, "repos/"+repo+"/issues/"+strconv.Itoa(number), nil, &out)
	return &out, err
}

// do sends one request with GitHub's headers and decodes a 2xx answer.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	u := c.baseURL.JoinPath(strings.Split(path, "/")...)
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", APIVersion)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", "hindsight")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("github: %s %s: %w", method, u.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("github: %s %s: %w", method, u.Path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &Error{Method: method, Path: u.Path, StatusCode: resp.StatusCode, Message: apiMessage(data)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("github: %s %s: cannot decode the answer: %w", method, u.Path, err)
	}
	return nil
}

// apiMessage returns an error body's "message", or its first 200 bytes.
func apiMessage(b []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &m) == nil && m.Message != "" {
		return m.Message
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return strings.TrimSpace(string(b))
}
