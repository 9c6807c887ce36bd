package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// openAPIEnv is a server on a real SQLite store holding an incident opened
// through the webhook, with an action item, a timeline event and a
// sign-off added through the API, and the OpenAPI document it serves.
type openAPIEnv struct {
	*uiEnv
	doc      map[string]any
	incident string
	action   float64
}

func mustOpenAPIEnv(t *testing.T) *openAPIEnv {
	t.Helper()
	e := mustOpenUI(t, func(s *hhttp.Server) {
		store := s.UIStore.(*sqlstore.Store)
		s.WebhookAuth = hhttp.WebhookAuth{Token: token}
		s.Intake = &alertmanager.Intake{Store: store, Mapping: alertmanager.DefaultMapping(),
			Draft: func(inc hindsight.Incident) *hindsight.Document {
				pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Now: inc.CreatedAt})
				return &pm.Document
			}}
	})
	env := &openAPIEnv{uiEnv: e}
	status, body := env.call(t, "", http.MethodGet, "/api/v1/openapi.json", "")
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json without credentials: %d", status)
	}
	if err := json.Unmarshal(body, &env.doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v1/alerts/alertmanager", bytes.NewReader(fixture(t, "0-single-alert-firing.json")))
	req.Header.Set("Authorization", "Bearer "+token)
	res := env.checkResponse(t, req, "/api/v1/alerts/alertmanager", "post")
	env.incident = res["incident_id"].(string)
	env.seed(t)
	return env
}

// seed adds an action item, a timeline event and a sign-off through the
// API, checking each answer against the document.
func (e *openAPIEnv) seed(t *testing.T) {
	t.Helper()
	base := "/api/v1/incidents/" + e.incident
	a := e.checkResponse(t, e.jsonRequest(t, http.MethodPost, base+"/actions",
		`{"title":"Alert on the 5xx ratio per route","owner":"@sre","horizon":"immediate","verification":"the alert fires in staging"}`),
		"/api/v1/incidents/{id}/actions", "post")
	e.action = a["id"].(float64)
	e.checkResponse(t, e.jsonRequest(t, http.MethodPost, base+"/timeline",
		`{"time":"2026-11-27T05:40:00Z","type":"acknowledged","phase":"detection","event":"Paged on-call acknowledged","actor":"@oncall"}`),
		"/api/v1/incidents/{id}/timeline", "post")
	e.checkResponse(t, e.jsonRequest(t, http.MethodPost, base+"/signoffs", `{"role":"author"}`),
		"/api/v1/incidents/{id}/signoffs", "post")
	e.checkResponse(t, e.jsonRequest(t, http.MethodPatch, "/api/v1/actions/"+strconv.Itoa(int(e.action)), `{"version":1,"status":"in_progress"}`),
		"/api/v1/actions/{id}", "patch")
	e.checkResponse(t, e.jsonRequest(t, http.MethodPost, base+"/status", `{"to":"MITIGATED"}`),
		"/api/v1/incidents/{id}/status", "post")
	e.checkResponse(t, e.jsonRequest(t, http.MethodPost, "/api/v1/changes",
		`{"service":"api","kind":"deploy","title":"Deploy api v1.2.3","url":"https://github.com/example/api/pull/42","at":"2026-11-27T05:00:00Z","author":"alice"}`),
		"/api/v1/changes", "post")
	e.checkResponse(t, e.jsonRequest(t, http.MethodPut, "/api/v1/people/@Lena",
		`{"name":"Lena Ødegård","email":"lena@example.com","team":"SRE"}`), "/api/v1/people/{handle}", "put")
	up := e.jsonRequest(t, http.MethodPost, base+"/attachments", "")
	body, ctype := multipartFile(t, "app.log", []byte("05:35:01 ERROR upstream timed out\n"))
	up.Body, up.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	up.Header.Set("Content-Type", ctype)
	e.checkResponse(t, up, "/api/v1/incidents/{id}/attachments", "post")
	threshold := 0.1
	start := time.Date(2026, 11, 27, 5, 35, 0, 0, time.UTC)
	imp := hindsight.Impact{Start: start, End: start.Add(10 * time.Minute), Graphs: []hindsight.Graph{{
		Name: hindsight.GraphErrorRatio, Title: "Error ratio", Unit: "%", Start: start.Add(-30 * time.Minute), End: start.Add(40 * time.Minute),
		Step: 15 * time.Second, Threshold: &threshold, Points: []hindsight.Point{{T: start, V: 5}, {T: start.Add(15 * time.Second), V: 4}}}}}
	if err := e.store.SaveImpact(context.Background(), &hindsight.ImpactRecord{IncidentID: e.incident, Impact: imp}); err != nil {
		t.Fatal(err)
	}
}

// multipartFile returns a multipart/form-data body holding one file in
// the part "file", and its Content-Type.
func multipartFile(t *testing.T, name string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// jsonRequest is an admin's request with a JSON body.
func (e *openAPIEnv) jsonRequest(t *testing.T, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleAdmin])
	return req
}

// call sends a request as who ("" for no credentials) and returns the
// status and body.
func (e *openAPIEnv) call(t *testing.T, who hindsight.Role, method, path, body string) (int, []byte) {
	t.Helper()
	req := e.jsonRequest(t, method, path, body)
	if who == "" {
		req.Header.Del("Authorization")
	} else {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	resp, b := mustDo(t, http.DefaultClient, req)
	return resp.StatusCode, b
}

// checkResponse sends req and checks that its answer is one the document
// lists for the operation, with a body valid against the documented
// schema; it returns the body when it is an object.
func (e *openAPIEnv) checkResponse(t *testing.T, req *http.Request, path, method string) map[string]any {
	t.Helper()
	resp, body := mustDo(t, http.DefaultClient, req)
	where := strings.ToUpper(method) + " " + req.URL.RequestURI()
	if resp.StatusCode >= 300 && !strings.HasPrefix(req.URL.Path, "/api/v1/incidents/nope") {
		t.Errorf("%s: status %d\n%s", where, resp.StatusCode, body)
	}
	ctype, schema := e.documentedResponse(t, path, method, resp.StatusCode)
	if schema == nil {
		t.Errorf("%s: status %d is not documented", where, resp.StatusCode)
		return nil
	}
	if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, ctype) {
		t.Errorf("%s: Content-Type %q, documented %q", where, got, ctype)
	}
	if ctype != "application/json" {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: %v", where, err)
		return nil
	}
	for _, msg := range (schemaChecker{doc: e.doc}).check(schema, v, "$") {
		t.Errorf("%s (%d) does not match its schema: %s", where, resp.StatusCode, msg)
	}
	obj, _ := v.(map[string]any)
	return obj
}

// documentedResponse returns the content type and schema the document
// gives for an answer, following a $ref to #/components/responses.
func (e *openAPIEnv) documentedResponse(t *testing.T, path, method string, status int) (string, map[string]any) {
	t.Helper()
	op := dig(e.doc, "paths", path, method)
	r, ok := dig(op, "responses", itoaStatus(status)).(map[string]any)
	if !ok {
		return "", nil
	}
	if ref, ok := r["$ref"].(string); ok {
		var err error
		if r, err = (schemaChecker{doc: e.doc}).resolve(ref); err != nil {
			t.Fatal(err)
		}
	}
	content, _ := r["content"].(map[string]any)
	for ctype, c := range content {
		schema, _ := dig(c, "schema").(map[string]any)
		return ctype, schema
	}
	return "", nil
}

// dig walks nested objects by keys; nil when one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func itoaStatus(s int) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// documentedOperations returns "METHOD /path" of every operation, with
// its x-hindsight-access rule.
func documentedOperations(doc map[string]any) map[string]string {
	out := map[string]string{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method, op := range item.(map[string]any) {
			access, _ := dig(op, "x-hindsight-access").(string)
			out[strings.ToUpper(method)+" "+path] = access
		}
	}
	return out
}

func TestOpenAPI(t *testing.T) {
	e := mustOpenAPIEnv(t)
	t.Run("Routes", func(t *testing.T) { checkDocumentedRoutes(t, e.doc) })
	t.Run("GetResponses", func(t *testing.T) { e.checkGetResponses(t) })
	t.Run("Errors", func(t *testing.T) { e.checkErrors(t) })
}

// checkDocumentedRoutes checks that the document and the mux hold the same
// routes, with the authorization matrix's access rules.
func checkDocumentedRoutes(t *testing.T, doc map[string]any) {
	documented := documentedOperations(doc)
	registered := map[string]bool{}
	for _, p := range registeredPatterns(t) {
		registered[p] = true
		access, ok := documented[p]
		if !ok {
			t.Errorf("route %q is registered but not in openapi.json", p)
		} else if access != apiAccess[p] {
			t.Errorf("%s: x-hindsight-access %q, the authorization matrix says %q", p, access, apiAccess[p])
		}
	}
	var extra []string
	for p := range documented {
		if !registered[p] {
			extra = append(extra, p)
		}
	}
	sort.Strings(extra)
	for _, p := range extra {
		t.Errorf("openapi.json documents %q, which is not registered", p)
	}
}

// getQueries are the query strings of the representative requests.
var getQueries = map[string]string{
	"/api/v1/search":  "?q=HighAPIErrorRate&limit=5",
	"/api/v1/actions": "?owner=@sre",
	"/api/v1/stats":   "?to=2026-12&months=3",
}

// checkGetResponses requests every documented GET route and checks the
// answer against its schema.
func (e *openAPIEnv) checkGetResponses(t *testing.T) {
	ops := documentedOperations(e.doc)
	paths := make([]string, 0, len(ops))
	for op := range ops {
		if path, ok := strings.CutPrefix(op, "GET "); ok {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		url := strings.NewReplacer("{id}", e.incident, "{file}", "error-ratio.svg", "{attachment}", "1", "{handle}", "lena").Replace(path) + getQueries[path]
		req := e.jsonRequest(t, http.MethodGet, url, "")
		e.checkResponse(t, req, path, "get")
	}
	st := e.checkResponse(t, e.jsonRequest(t, http.MethodGet, "/api/v1/stats?from=2026-11&to=2026-11", ""), "/api/v1/stats", "get")
	if months, _ := st["months"].([]any); st["incidents"] != 1.0 || len(months) != 1 || dig(st, "action_completion", "counted") != 1.0 {
		t.Errorf("stats of 2026-11: %v incidents over %v, actions %v; want the webhook's one over 2026-11 with its action", st["incidents"], st["months"], st["action_completion"])
	}
	found := e.checkResponse(t, e.jsonRequest(t, http.MethodGet, "/api/v1/search?q=HighAPIErrorRate&status=UNDER+INVESTIGATION", ""), "/api/v1/search", "get")
	if items, _ := found["items"].([]any); found["total"] != float64(len(items)) || len(items) == 0 || found["total_capped"] != false {
		t.Errorf("search: total %v, capped %v, %d items; want the items' count, false", found["total"], found["total_capped"], len(items))
	}
}

// checkErrors checks that actual 400, 401 and 404 answers match the
// documented error envelope, and that a 400 lists every bad parameter.
func (e *openAPIEnv) checkErrors(t *testing.T) {
	status, body := e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/search?severity=SEV9&from=yesterday&limit=-1", "")
	e.checkError(t, "/api/v1/search", status, http.StatusBadRequest, body)
	var bad struct {
		Fields []hindsight.FieldError `json:"fields"`
	}
	_ = json.Unmarshal(body, &bad)
	var names []string
	for _, f := range bad.Fields {
		names = append(names, f.Field)
	}
	if got := strings.Join(names, ","); got != "from,limit,q,severity" {
		t.Errorf("400 of search lists fields %q, want from,limit,q,severity", got)
	}
	status, body = e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/stats?months=99&to=June", "")
	e.checkError(t, "/api/v1/stats", status, http.StatusBadRequest, body)
	status, body = e.call(t, "", http.MethodGet, "/api/v1/stats", "")
	e.checkError(t, "/api/v1/stats", status, http.StatusUnauthorized, body)
	status, body = e.call(t, "", http.MethodGet, "/api/v1/incidents", "")
	e.checkError(t, "/api/v1/incidents", status, http.StatusUnauthorized, body)
	status, body = e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/incidents/nope", "")
	e.checkError(t, "/api/v1/incidents/{id}", status, http.StatusNotFound, body)
	status, body = e.call(t, hindsight.RoleViewer, http.MethodPost, "/api/v1/incidents/"+e.incident+"/timeline", "{}")
	e.checkError(t, "/api/v1/incidents/{id}/timeline", status, http.StatusForbidden, body)
	status, body = e.call(t, hindsight.RoleEditor, http.MethodPost, "/api/v1/incidents/"+e.incident+"/transitions", `{"to":"UNDER REVIEW"}`)
	e.checkError(t, "/api/v1/incidents/{id}/transitions", status, http.StatusConflict, body)
	if !bytes.Contains(body, []byte(`"findings"`)) {
		t.Errorf("a refused submission lists no findings:\n%s", body)
	}
}

// checkError checks one error answer against the operation's documented
// response for its status.
func (e *openAPIEnv) checkError(t *testing.T, path string, status, want int, body []byte) {
	t.Helper()
	if status != want {
		t.Errorf("%s: status %d, want %d\n%s", path, status, want, body)
		return
	}
	method := "get"
	if dig(e.doc, "paths", path, "get") == nil {
		method = "post"
	}
	_, schema := e.documentedResponse(t, path, method, status)
	if schema == nil {
		t.Errorf("%s %s: status %d is not documented", method, path, status)
		return
	}
	var v any
	_ = json.Unmarshal(body, &v)
	for _, msg := range (schemaChecker{doc: e.doc}).check(schema, v, "$") {
		t.Errorf("%s (%d) does not match the error envelope: %s", path, status, msg)
	}
}
