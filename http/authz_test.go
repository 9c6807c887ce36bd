package http_test

import (
	"context"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
)

// Access rules of the authorization matrix.
const (
	public  = "public"  // anyone, signed in or not
	webhook = "webhook" // the webhook's own credentials, never a role's
	// read is a viewer, or anyone when the server's AnonymousRead is set.
	read = "read"
)

// apiAccess is the least role of every JSON API route, or public/webhook.
// A route registered in the package but missing here fails the test: add
// it with its rule.
var apiAccess = map[string]string{
	"GET /healthz":                                           public,
	"GET /readyz":                                            public,
	"GET /metrics":                                           public,
	"POST /api/v1/alerts/alertmanager":                       webhook,
	"GET /api/v1/whoami":                                     "viewer",
	"GET /api/v1/incidents":                                  read,
	"GET /api/v1/incidents/{id}":                             read,
	"GET /api/v1/incidents/{id}/postmortem.md":               read,
	"GET /api/v1/incidents/{id}/postmortem.html":             read,
	"GET /api/v1/incidents/{id}/postmortem.json":             read,
	"POST /api/v1/incidents/{id}/transitions":                "editor",
	"POST /api/v1/incidents/{id}/status":                     "editor",
	"PUT /api/v1/incidents/{id}/narrative":                   "editor",
	"PUT /api/v1/incidents/{id}/postmortem.md":               "editor",
	"POST /api/v1/incidents/{id}/placeholders/dismiss":       "editor",
	"GET /api/v1/incidents/{id}/signoffs":                    read,
	"POST /api/v1/incidents/{id}/signoffs":                   "editor",
	"GET /api/v1/incidents/{id}/timeline":                    read,
	"POST /api/v1/incidents/{id}/timeline":                   "editor",
	"GET /api/v1/incidents/{id}/lint":                        read,
	"POST /api/v1/incidents/{id}/followup":                   "editor",
	"GET /api/v1/incidents/{id}/revisions":                   read,
	"POST /api/v1/incidents/{id}/impact":                     "editor",
	"GET /api/v1/actions":                                    read,
	"POST /api/v1/incidents/{id}/actions":                    "editor",
	"PATCH /api/v1/actions/{id}":                             "editor",
	"GET /api/v1/search":                                     read,
	"GET /api/v1/stats":                                      read,
	"GET /api/v1/openapi.json":                               public,
	"GET /api/v1/incidents/{id}/graphs/{file}":               read,
	"POST /api/v1/changes":                                   "editor",
	"GET /api/v1/changes":                                    read,
	"GET /api/v1/incidents/{id}/attachments":                 read,
	"POST /api/v1/incidents/{id}/attachments":                "editor",
	"GET /api/v1/incidents/{id}/attachments/{attachment}":    read,
	"POST /api/v1/incidents":                                 "editor",
	"PATCH /api/v1/incidents/{id}":                           "editor",
	"POST /api/v1/incidents/{id}/postmortem":                 "editor",
	"POST /api/v1/incidents/{id}/acknowledge":                "editor",
	"POST /api/v1/incidents/{id}/mitigate":                   "editor",
	"POST /api/v1/slack/events":                              webhook,
	"POST /api/v1/slack/commands":                            webhook,
	"GET /api/v1/reports/incidents.csv":                      read,
	"GET /api/v1/reports/incidents.json":                     read,
	"GET /api/v1/reports/actions.csv":                        read,
	"GET /api/v1/reports/actions.json":                       read,
	"GET /api/v1/incidents/{id}/distribution":                read,
	"POST /api/v1/paging/pagerduty":                          webhook,
	"POST /api/v1/paging/opsgenie":                           webhook,
	"POST /api/v1/paging/grafana-oncall":                     webhook,
	"POST /api/v1/trackers/{tracker}/webhook":                webhook,
	"POST /api/v1/actions/{id}/tracker/retry":                "editor",
	"GET /api/v1/incidents/{id}/comments":                    read,
	"POST /api/v1/incidents/{id}/comments":                   "editor",
	"POST /api/v1/incidents/{id}/comments/{comment}/resolve": "editor",
	"GET /api/v1/me/notifications":                           "viewer",
	"PUT /api/v1/me/notifications":                           "viewer",
	"GET /api/v1/people":                                     read,
	"GET /api/v1/people/{handle}":                            read,
	"PUT /api/v1/people/{handle}":                            "admin",
	"DELETE /api/v1/people/{handle}":                         "admin",
}

// registeredPatterns returns every literal pattern passed to mux.Handle or
// mux.HandleFunc in the package's non-test sources.
func registeredPatterns(t *testing.T) []string {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := gotoken.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
				p, _ := strconv.Unquote(lit.Value)
				out = append(out, p)
			}
			return true
		})
	}
	sort.Strings(out)
	return out
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Run("SignedInReads", func(t *testing.T) { checkAuthorization(t, false) })
	t.Run("AnonymousRead", func(t *testing.T) { checkAuthorization(t, true) })
}

// checkAuthorization requests every route as every role and no one on a
// server with AnonymousRead set as given.
func checkAuthorization(t *testing.T, anonymousRead bool) {
	e := mustOpenUI(t, func(s *hhttp.Server) { s.AnonymousRead = anonymousRead })
	action := &hindsight.ActionItem{Title: "a", Owner: "@o", Verification: "v"}
	ctx := hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: "setup", Role: hindsight.RoleAdmin})
	if err := e.srv.Review.CreateAction(ctx, e.incident, action); err != nil {
		t.Fatal(err)
	}
	routes := map[string]string{}
	for _, p := range registeredPatterns(t) {
		rule, ok := apiAccess[p]
		if !ok {
			t.Errorf("route %q is registered but not in the authorization matrix: add it to apiAccess", p)
			continue
		}
		routes[p] = rule
	}
	for p := range apiAccess {
		if _, ok := routes[p]; !ok {
			t.Errorf("route %q is in the matrix but no longer registered", p)
		}
	}
	ui := hhttp.UIRoutePatterns()
	for p, role := range ui {
		routes[p] = role
		switch {
		case role == "":
			routes[p] = public
		case role == string(hindsight.RoleViewer) && strings.HasPrefix(p, "GET "):
			routes[p] = read
		}
	}
	for p, rule := range routes {
		if rule == read && anonymousRead {
			routes[p] = public
		} else if rule == read {
			routes[p] = string(hindsight.RoleViewer)
		}
	}
	replace := strings.NewReplacer("{id}", e.incident, "{section}", "root_cause", "{file...}", "style.css", "{$}", "",
		"{action}", strconv.FormatInt(action.ID, 10), "{event}", "1",
		"{file}", "error-ratio.svg", "{attachment}", "1", "{handle}", "lead", "{token}", "999999")
	for pattern, rule := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		path = replace.Replace(path)
		if strings.HasPrefix(pattern, "PATCH /api/v1/actions/") {
			path = "/api/v1/actions/" + strconv.FormatInt(action.ID, 10)
		}
		_, isUI := ui[pattern]
		for _, who := range append([]hindsight.Role{""}, hindsight.Roles...) {
			status := e.request(t, isUI, who, method, path)
			if want := expectAccess(rule, who, isUI, method); !want(status) {
				t.Errorf("%s as %q: status %d breaks rule %q", pattern, orNone(who), status, rule)
			}
		}
	}
}

// expectAccess returns the check of a status for one rule and identity.
func expectAccess(rule string, who hindsight.Role, isUI bool, method string) func(int) bool {
	// Allowed means past the authorization check: any answer but 401, 403
	// and an internal error (503 is a dependency the test server lacks).
	allowed := func(s int) bool { return s != 401 && s != 403 && s != 500 }
	switch {
	case rule == public:
		return allowed
	case rule == webhook:
		return func(s int) bool { return s == 401 || s == 403 || s == 503 }
	case who == "" && isUI && method == http.MethodGet:
		return func(s int) bool { return s == http.StatusSeeOther }
	case who == "":
		return func(s int) bool { return s == http.StatusUnauthorized }
	case !who.Allows(hindsight.Role(rule)):
		return func(s int) bool { return s == http.StatusForbidden }
	}
	return allowed
}

func orNone(r hindsight.Role) string {
	if r == "" {
		return "no credentials"
	}
	return string(r)
}

// request sends one request as who: an API token for the API, a signed-in
// session with a valid CSRF token for the UI, nothing for no one.
func (e *uiEnv) request(t *testing.T, isUI bool, who hindsight.Role, method, path string) int {
	if isUI {
		b := e.browser(t)
		if who != "" {
			b = e.signedIn(t, who)
		} else {
			b.get("/signin")
		}
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader("csrf_token="+b.csrf))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := b.do(req)
		return resp.StatusCode
	}
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
