package tracker_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/fakegithub"
)

// fakeGitLab implements the part of GitLab's REST v4 API that the tracker
// sync uses, for one project, and checks every request against GitLab's
// documented shapes: method, the project's URL-encoded path, the
// PRIVATE-TOKEN header, and a JSON body with only documented fields
// (labels a comma-separated string, due_date YYYY-MM-DD, assignee_ids an
// array of user IDs), and the user search by username.
type fakeGitLab struct {
	t       testing.TB
	srv     *httptest.Server
	project string
	token   string

	mu     sync.Mutex
	issues map[int]*fakegithub.Issue
	due    map[int]string
	// users are GitLab's users by username; assignees each issue's IDs.
	users       map[string]int64
	assignees   map[int][]int64
	userLookups int
	failCreates int
	down        bool
	creates     int
	edits       int
	gets        int
}

func newFakeGitLab(t testing.TB, project, token string) *fakeGitLab {
	f := &fakeGitLab{t: t, project: project, token: token, issues: map[int]*fakegithub.Issue{}, due: map[int]string{},
		users: map[string]int64{}, assignees: map[int][]int64{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitLab) htmlURL(n int) string {
	return f.srv.URL + "/" + f.project + "/-/issues/" + strconv.Itoa(n)
}

func (f *fakeGitLab) set(fn func(f *fakeGitLab)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeGitLab) issue(n int) (fakegithub.Issue, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if is := f.issues[n]; is != nil {
		return *is, f.due[n]
	}
	return fakegithub.Issue{}, ""
}

func (f *fakeGitLab) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		if r.Method == http.MethodPost {
			f.creates++
		}
		fakegithub.WriteJSON(w, http.StatusBadGateway, map[string]string{"message": "502 Bad Gateway"})
		return
	}
	if got := r.Header.Get("PRIVATE-TOKEN"); got != f.token {
		f.t.Errorf("%s %s: PRIVATE-TOKEN %q, want the route's token", r.Method, r.URL.Path, got)
		fakegithub.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
		return
	}
	prefix := "/api/v4/projects/" + url.PathEscape(f.project) + "/issues"
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), prefix)
	switch {
	case r.URL.Path == "/api/v4/users" && r.Method == http.MethodGet:
		f.findUser(w, r)
	case ok && rest == "" && r.Method == http.MethodPost:
		f.create(w, r)
	case ok && strings.HasPrefix(rest, "/") && (r.Method == http.MethodPut || r.Method == http.MethodGet):
		n, err := strconv.Atoi(rest[1:])
		if err != nil || f.issues[n] == nil {
			fakegithub.WriteJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
			return
		}
		if r.Method == http.MethodGet {
			f.gets++
			fakegithub.WriteJSON(w, http.StatusOK, f.issueJSON(n))
			return
		}
		f.edit(w, r, n)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.EscapedPath())
		fakegithub.WriteJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
	}
}

// gitlabBody is the documented body of "new issue" and "edit an issue", as
// far as Hindsight may send it.
type gitlabBody struct {
	Title       *string  `json:"title"`
	Description *string  `json:"description"`
	Labels      *string  `json:"labels"`
	DueDate     *string  `json:"due_date"`
	AssigneeIDs *[]int64 `json:"assignee_ids"`
}

func (f *fakeGitLab) decode(r *http.Request) (gitlabBody, error) {
	var b gitlabBody
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return b, fmt.Errorf("header Content-Type %q, want application/json", ct)
	}
	data, _ := io.ReadAll(r.Body)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, fmt.Errorf("body %s: %v", data, err)
	}
	if b.DueDate != nil && len(*b.DueDate) != len("2006-01-02") {
		return b, fmt.Errorf("due_date %q, want YYYY-MM-DD", *b.DueDate)
	}
	return b, nil
}

func (f *fakeGitLab) create(w http.ResponseWriter, r *http.Request) {
	f.creates++
	b, err := f.decode(r)
	if err != nil || b.Title == nil || *b.Title == "" {
		f.t.Errorf("POST issues: %v: want a JSON body with a title", err)
		fakegithub.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "400 Bad request"})
		return
	}
	if f.failCreates > 0 {
		f.failCreates--
		fakegithub.WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": "500 Internal Server Error"})
		return
	}
	n := len(f.issues) + 1
	is := &fakegithub.Issue{Title: *b.Title, State: "opened"}
	if b.Description != nil {
		is.Body = *b.Description
	}
	if b.Labels != nil {
		is.Labels = strings.Split(*b.Labels, ",")
	}
	if b.DueDate != nil {
		f.due[n] = *b.DueDate
	}
	if b.AssigneeIDs != nil {
		f.assignees[n] = *b.AssigneeIDs
	}
	f.issues[n] = is
	fakegithub.WriteJSON(w, http.StatusCreated, f.issueJSON(n))
}

func (f *fakeGitLab) edit(w http.ResponseWriter, r *http.Request, n int) {
	f.edits++
	b, err := f.decode(r)
	if err != nil {
		f.t.Errorf("PUT issue %d: %v", n, err)
		fakegithub.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "400 Bad request"})
		return
	}
	if b.Labels != nil {
		f.t.Errorf("PUT issue %d replaces the labels: an update sends title, description and due date", n)
	}
	if b.Title != nil {
		f.issues[n].Title = *b.Title
	}
	if b.Description != nil {
		f.issues[n].Body = *b.Description
	}
	if b.DueDate != nil {
		f.due[n] = *b.DueDate
	}
	if b.AssigneeIDs != nil {
		f.assignees[n] = *b.AssigneeIDs
	}
	fakegithub.WriteJSON(w, http.StatusOK, f.issueJSON(n))
}

// issueJSON is an issue as GitLab answers it.
func (f *fakeGitLab) issueJSON(n int) map[string]any {
	is := f.issues[n]
	var due any
	if d := f.due[n]; d != "" {
		due = d
	}
	return map[string]any{
		"id": 7000 + n, "iid": n, "project_id": 1, "title": is.Title, "description": is.Body, "state": is.State,
		"labels": is.Labels, "due_date": due, "web_url": f.htmlURL(n), "created_at": "2026-03-02T09:30:00.000Z",
		"author": map[string]any{"id": 1, "username": "hindsight-bot"},
	}
}

// findUser answers GET /users?username=NAME: a list of the users of that
// username (case-insensitive), as GitLab does; any other query is a
// request the sync must not make.
func (f *fakeGitLab) findUser(w http.ResponseWriter, r *http.Request) {
	f.userLookups++
	q := r.URL.Query()
	name := q.Get("username")
	if len(q) != 1 || name == "" {
		f.t.Errorf("GET /users?%s: want only username", r.URL.RawQuery)
	}
	out := []map[string]any{}
	for u, id := range f.users {
		if strings.EqualFold(u, name) {
			out = append(out, map[string]any{"id": id, "username": u, "name": u, "state": "active"})
		}
	}
	fakegithub.WriteJSON(w, http.StatusOK, out)
}
