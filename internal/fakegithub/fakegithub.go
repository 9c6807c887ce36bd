// Package fakegithub is a GitHub REST API server for tests: the issues
// endpoints the tracker sync uses, for one repository, checking every
// request against GitHub's documented shapes.
package fakegithub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Server implements the part of GitHub Enterprise Server's REST API
// (under /api/v3/) that the tracker sync uses, for one repository, and
// checks every request against GitHub's documented shapes: method, path,
// the bearer token, the Accept and X-GitHub-Api-Version headers, and a
// JSON body with only the documented fields.
type Server struct {
	t     testing.TB
	srv   *httptest.Server
	repo  string
	token string

	mu sync.Mutex
	// Issues are the repository's issues by number; read and change them
	// within Set.
	Issues map[int]*Issue
	// FailCreates answers 500 to this many creates first; Down answers
	// 503 to everything.
	FailCreates int
	Down        bool
	// Creates counts POST requests, answered or not; Edits and Gets the
	// PATCH and GET requests of an issue.
	Creates, Edits, Gets int
}

// Issue is one issue the server holds.
type Issue struct {
	Title, Body, State, StateReason string
	Labels, Assignees               []string
}

// New starts a server for repo ("owner/name") that accepts token, stopped
// when the test ends.
func New(t testing.TB, repo, token string) *Server {
	f := &Server{t: t, repo: repo, token: token, Issues: map[int]*Issue{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// APIURL is the base URL a route names, as for GitHub Enterprise Server.
func (f *Server) APIURL() string { return f.srv.URL + "/api/v3/" }

// HTMLURL is an issue's web address on the fake's host.
func (f *Server) HTMLURL(n int) string {
	return f.srv.URL + "/" + f.repo + "/issues/" + strconv.Itoa(n)
}

// Set runs fn with the server locked, to read or change its state.
func (f *Server) Set(fn func(f *Server)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// Issue returns a copy of issue n (the zero Issue when there is none).
func (f *Server) Issue(n int) Issue {
	f.mu.Lock()
	defer f.mu.Unlock()
	if is := f.Issues[n]; is != nil {
		return *is
	}
	return Issue{}
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		if r.Method == http.MethodPost {
			f.Creates++
		}
		http.Error(w, `{"message":"Service Unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	if err := f.checkHeaders(r); err != nil {
		f.t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
		WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	prefix := "/api/v3/repos/" + f.repo + "/issues"
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	switch {
	case ok && rest == "" && r.Method == http.MethodPost:
		f.create(w, r)
	case ok && strings.HasPrefix(rest, "/") && (r.Method == http.MethodPatch || r.Method == http.MethodGet):
		n, err := strconv.Atoi(rest[1:])
		if err != nil || f.Issues[n] == nil {
			WriteJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		if r.Method == http.MethodGet {
			f.Gets++
			if r.ContentLength > 0 {
				f.t.Errorf("GET %s has a body", r.URL.Path)
			}
			WriteJSON(w, http.StatusOK, f.issueJSON(n))
			return
		}
		f.edit(w, r, n)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		WriteJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// checkHeaders checks the headers GitHub documents for every request.
func (f *Server) checkHeaders(r *http.Request) error {
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		return fmt.Errorf("header Authorization %q, want the route's token as Bearer", got)
	}
	if got := r.Header.Get("Accept"); got != "application/vnd.github+json" {
		return fmt.Errorf("header Accept %q, want application/vnd.github+json", got)
	}
	if got := r.Header.Get("X-GitHub-Api-Version"); got != "2022-11-28" {
		return fmt.Errorf("X-GitHub-Api-Version %q, want 2022-11-28", got)
	}
	if r.Header.Get("User-Agent") == "" {
		return fmt.Errorf("no User-Agent: GitHub refuses requests without one")
	}
	if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && r.Header.Get("Content-Type") != "application/json" {
		return fmt.Errorf("header Content-Type %q, want application/json", r.Header.Get("Content-Type"))
	}
	return nil
}

// issueBody is the documented body of "create an issue" and "update an
// issue", as far as Hindsight may send it.
type issueBody struct {
	Title     *string   `json:"title"`
	Body      *string   `json:"body"`
	Labels    *[]string `json:"labels"`
	Assignees *[]string `json:"assignees"`
}

func (f *Server) decode(r *http.Request) (issueBody, error) {
	var b issueBody
	data, _ := io.ReadAll(r.Body)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, fmt.Errorf("body %s: %v", data, err)
	}
	return b, nil
}

func (f *Server) create(w http.ResponseWriter, r *http.Request) {
	f.Creates++
	b, err := f.decode(r)
	if err != nil || b.Title == nil || *b.Title == "" {
		f.t.Errorf("POST issues: %v (title %v): want a JSON body with a title", err, b.Title)
		WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
		return
	}
	if f.FailCreates > 0 {
		f.FailCreates--
		WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": "Server Error"})
		return
	}
	n := len(f.Issues) + 1
	is := &Issue{Title: *b.Title, State: "open"}
	if b.Body != nil {
		is.Body = *b.Body
	}
	if b.Labels != nil {
		is.Labels = *b.Labels
	}
	if b.Assignees != nil {
		is.Assignees = *b.Assignees
	}
	f.Issues[n] = is
	WriteJSON(w, http.StatusCreated, f.issueJSON(n))
}

func (f *Server) edit(w http.ResponseWriter, r *http.Request, n int) {
	f.Edits++
	b, err := f.decode(r)
	if err != nil {
		f.t.Errorf("PATCH issue %d: %v", n, err)
		WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
		return
	}
	if b.Labels != nil {
		f.t.Errorf("PATCH issue %d replaces the labels: an update sends title, body and assignees only", n)
	}
	if b.Assignees != nil {
		f.Issues[n].Assignees = *b.Assignees
	}
	if b.Title != nil {
		f.Issues[n].Title = *b.Title
	}
	if b.Body != nil {
		f.Issues[n].Body = *b.Body
	}
	WriteJSON(w, http.StatusOK, f.issueJSON(n))
}

// issueJSON is an issue as GitHub answers it (the fields of the documented
// example that matter here, and a few more).
func (f *Server) issueJSON(n int) map[string]any {
	is := f.Issues[n]
	var reason any
	if is.StateReason != "" {
		reason = is.StateReason
	}
	return map[string]any{
		"id": 1000 + n, "node_id": "I_kw" + strconv.Itoa(n), "number": n,
		"url":      f.srv.URL + "/api/v3/repos/" + f.repo + "/issues/" + strconv.Itoa(n),
		"html_url": f.HTMLURL(n), "title": is.Title, "body": is.Body, "state": is.State, "state_reason": reason,
		"labels": []any{}, "assignees": []any{}, "comments": 0, "locked": false,
		"user": map[string]any{"login": "hindsight-bot", "id": 1},
	}
}

// WriteJSON answers status with v as JSON, as GitHub does.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
