package tracker_test

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

	"github.com/hindsight-sre/hindsight/internal/fakegithub"
)

// fakeJira implements the part of Jira's REST API v2 that the tracker sync
// uses, for one project, and checks every request against Atlassian's
// documented shapes: method and path, basic auth (Cloud: e-mail and API
// token) or, with no user, a Bearer personal access token (Data Center),
// and JSON bodies whose "fields" hold only documented fields.
type fakeJira struct {
	t        testing.TB
	srv      *httptest.Server
	project  string
	user     string
	apiToken string

	mu          sync.Mutex
	issues      map[int]map[string]any // fields by issue number
	status      map[int][2]string      // status name and category key
	failCreates int
	down        bool
	creates     int
	edits       int
}

func newFakeJira(t testing.TB, project, user, apiToken string) *fakeJira {
	f := &fakeJira{t: t, project: project, user: user, apiToken: apiToken, issues: map[int]map[string]any{}, status: map[int][2]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeJira) set(fn func(f *fakeJira)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeJira) fields(n int) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issues[n]
}

func (f *fakeJira) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		if r.Method == http.MethodPost {
			f.creates++
		}
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	if f.user == "" && r.Header.Get("Authorization") != "Bearer "+f.apiToken {
		f.t.Errorf("%s %s: Authorization %q, want the personal access token as Bearer", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		fakegithub.WriteJSON(w, http.StatusUnauthorized, map[string]any{"errorMessages": []string{"Unauthorized"}})
		return
	}
	if u, p, ok := r.BasicAuth(); f.user != "" && (!ok || u != f.user || p != f.apiToken) {
		f.t.Errorf("%s %s: basic auth %q, want the route's e-mail and API token", r.Method, r.URL.Path, u)
		fakegithub.WriteJSON(w, http.StatusUnauthorized, map[string]any{"errorMessages": []string{"Unauthorized"}})
		return
	}
	switch {
	case r.URL.Path == "/rest/api/2/issue" && r.Method == http.MethodPost:
		f.create(w, r)
	case strings.HasPrefix(r.URL.Path, "/rest/api/2/issue/"+f.project+"-"):
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/rest/api/2/issue/"+f.project+"-"))
		if err != nil || f.issues[n] == nil {
			fakegithub.WriteJSON(w, http.StatusNotFound, map[string]any{"errorMessages": []string{"Issue does not exist"}})
			return
		}
		f.issue(w, r, n)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		fakegithub.WriteJSON(w, http.StatusNotFound, map[string]any{"errorMessages": []string{"Not found"}})
	}
}

func (f *fakeJira) issue(w http.ResponseWriter, r *http.Request, n int) {
	switch r.Method {
	case http.MethodGet:
		if r.URL.Query().Get("fields") != "status" {
			f.t.Errorf("GET issue %d asks for fields %q, want status", n, r.URL.Query().Get("fields"))
		}
		st := f.status[n]
		fakegithub.WriteJSON(w, http.StatusOK, map[string]any{"id": strconv.Itoa(10000 + n), "key": f.project + "-" + strconv.Itoa(n),
			"fields": map[string]any{"status": map[string]any{"name": st[0], "statusCategory": map[string]any{"key": st[1]}}}})
	case http.MethodPut:
		f.edits++
		fields, err := f.decode(r, false)
		if err != nil {
			f.t.Errorf("PUT issue %d: %v", n, err)
			fakegithub.WriteJSON(w, http.StatusBadRequest, map[string]any{"errorMessages": []string{err.Error()}})
			return
		}
		for k, v := range fields {
			f.issues[n][k] = v
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		f.t.Errorf("unexpected %s of issue %d", r.Method, n)
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// decode reads {"fields": {...}} and checks each field against the create
// or edit shape Hindsight may send.
func (f *fakeJira) decode(r *http.Request, create bool) (map[string]any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return nil, fmt.Errorf("header Content-Type %q, want application/json", ct)
	}
	data, _ := io.ReadAll(r.Body)
	var body struct {
		Fields map[string]any `json:"fields"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("body %s: %v", data, err)
	}
	allowed := map[string]bool{"summary": true, "description": true, "duedate": true}
	if create {
		allowed["project"], allowed["issuetype"], allowed["labels"] = true, true, true
		if p, _ := body.Fields["project"].(map[string]any); p["key"] != f.project {
			return nil, fmt.Errorf("project %v, want {key: %s}", body.Fields["project"], f.project)
		}
		if it, _ := body.Fields["issuetype"].(map[string]any); it["name"] == nil {
			return nil, fmt.Errorf("issuetype %v, want {name: …}", body.Fields["issuetype"])
		}
		if s, _ := body.Fields["summary"].(string); s == "" {
			return nil, fmt.Errorf("no summary")
		}
	}
	for k := range body.Fields {
		if !allowed[k] {
			return nil, fmt.Errorf("field %q is not one Hindsight sends here", k)
		}
	}
	if d, ok := body.Fields["duedate"].(string); ok && len(d) != len("2006-01-02") {
		return nil, fmt.Errorf("duedate %q, want YYYY-MM-DD", d)
	}
	return body.Fields, nil
}

func (f *fakeJira) create(w http.ResponseWriter, r *http.Request) {
	f.creates++
	fields, err := f.decode(r, true)
	if err != nil {
		f.t.Errorf("POST issue: %v", err)
		fakegithub.WriteJSON(w, http.StatusBadRequest, map[string]any{"errorMessages": []string{err.Error()}})
		return
	}
	if f.failCreates > 0 {
		f.failCreates--
		fakegithub.WriteJSON(w, http.StatusInternalServerError, map[string]any{"errorMessages": []string{"Internal server error"}})
		return
	}
	n := len(f.issues) + 1
	f.issues[n], f.status[n] = fields, [2]string{"To Do", "new"}
	fakegithub.WriteJSON(w, http.StatusCreated, map[string]any{"id": strconv.Itoa(10000 + n), "key": f.project + "-" + strconv.Itoa(n),
		"self": f.srv.URL + "/rest/api/2/issue/" + strconv.Itoa(10000+n)})
}
