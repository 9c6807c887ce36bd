package http_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// TestAPI_People: an admin adds, replaces and removes directory entries
// over the JSON API; a viewer reads them; what the UI's directory links
// use is what the API wrote. Bad entries get a 400 naming the field and
// change nothing.
func TestAPI_People(t *testing.T) {
	e := mustOpenAPIEnv(t)
	put := func(who hindsight.Role, handle, body string) (int, map[string]any) {
		t.Helper()
		status, b := e.call(t, who, http.MethodPut, "/api/v1/people/"+handle, body)
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return status, out
	}
	if status, _ := put(hindsight.RoleEditor, "zoe", `{"name":"Zoë"}`); status != http.StatusForbidden {
		t.Errorf("an editor's PUT: %d, want 403", status)
	}
	status, p := put(hindsight.RoleAdmin, "@Zoe.K", `{"name":"Zoë Kowalczyk","email":"Zoe@Example.com","slack_id":"U0123ABCD","team":"Payments"}`)
	if status != http.StatusOK || p["handle"] != "Zoe.K" || p["source"] != hindsight.PersonFromAdmin || p["email"] != "Zoe@Example.com" {
		t.Fatalf("PUT: %d %v", status, p)
	}
	// Replaced whole: the team left out is cleared, and the handle is
	// written as the path has it.
	if status, p = put(hindsight.RoleAdmin, "zoe.k", `{"name":"Zoë K."}`); status != http.StatusOK || p["team"] != nil || p["name"] != "Zoë K." || p["handle"] != "zoe.k" {
		t.Fatalf("second PUT: %d %v", status, p)
	}
	for _, bad := range []struct{ handle, body, field string }{
		{"zoe.k", `{"slack_id":"not-an-id"}`, "slack_id"},
		{"zoe.k", `{"name":"x","admin":true}`, ""}, // an unknown field
		{"has%20space", `{}`, "handle"},
	} {
		status, b := e.call(t, hindsight.RoleAdmin, http.MethodPut, "/api/v1/people/"+bad.handle, bad.body)
		if status != http.StatusBadRequest {
			t.Errorf("PUT %s %s: %d %s, want 400", bad.handle, bad.body, status, b)
		}
	}
	status, b := e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/people/@ZOE.K", "")
	var got hindsight.Person
	if err := json.Unmarshal(b, &got); status != http.StatusOK || err != nil || got.Name != "Zoë K." {
		t.Fatalf("GET after the refused PUTs: %d %s", status, b)
	}
	status, b = e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/people", "")
	var list struct {
		Items []hindsight.Person `json:"items"`
		Total int                `json:"total"`
	}
	if err := json.Unmarshal(b, &list); status != http.StatusOK || err != nil || list.Total != len(list.Items) || !hasHandle(list.Items, "zoe.k") || hasHandle(list.Items, "Zoe.K") {
		t.Fatalf("GET /api/v1/people: %d %s", status, b)
	}
	if status, _ = e.call(t, hindsight.RoleEditor, http.MethodDelete, "/api/v1/people/zoe.k", ""); status != http.StatusForbidden {
		t.Errorf("an editor's DELETE: %d, want 403", status)
	}
	if status, b = e.call(t, hindsight.RoleAdmin, http.MethodDelete, "/api/v1/people/zoe.k", ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", status, b)
	}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		if status, b = e.call(t, hindsight.RoleAdmin, method, "/api/v1/people/zoe.k", ""); status != http.StatusNotFound {
			t.Errorf("%s after DELETE: %d %s, want 404", method, status, b)
		}
	}
}

func hasHandle(people []hindsight.Person, handle string) bool {
	for _, p := range people {
		if p.Handle == handle {
			return true
		}
	}
	return false
}
