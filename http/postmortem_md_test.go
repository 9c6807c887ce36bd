package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// putMarkdown sends a document to PUT …/postmortem.md with token.
func putMarkdown(t *testing.T, ts *testServer, id, token string, doc []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, ts.url+"/api/v1/incidents/"+id+"/postmortem.md", bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, b := mustDo(t, http.DefaultClient, req)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("status %d, body not JSON: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, body
}

// TestPostmortemMarkdownPut imports a hand-written document, reads it back
// over GET …/postmortem.md byte for byte, and sends an edited one with the
// rules of "hindsight import": an editor's edit is stored, a viewer is
// forbidden, a document of another incident or a binary one is refused,
// and an approved post-mortem answers 409 with nothing changed.
func TestPostmortemMarkdownPut(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, func(s *hhttp.Server) {})
	ts.Documents = &importer.Service{Store: ts.store, Render: ts.Render}
	editor := mustCreateToken(t, ts.store, "editor", hindsight.RoleEditor)
	src, err := os.ReadFile(filepath.Join("..", "testdata", "handwritten", "seed-completed.md"))
	if err != nil {
		t.Fatal(err)
	}
	pm, err := postmortem.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	id := pm.Incident.ID
	if _, err := importer.Apply(context.Background(), ts.store, pm, importer.Source{Path: "seed-completed.md", Markdown: src}); err != nil {
		t.Fatal(err)
	}
	resp, got := ts.get(t, "/api/v1/incidents/"+id+"/postmortem.md")
	if resp.StatusCode != 200 || !bytes.Equal(got, src) {
		t.Fatalf("GET postmortem.md: status %d, the document differs from the one imported", resp.StatusCode)
	}

	edited := bytes.Replace(src, []byte("- **Culture**: Nobody hesitated to roll back"), []byte("- **Culture**: Rollbacks are normal here"), 1)
	if code, body := putMarkdown(t, ts, id, ts.viewer, edited); code != http.StatusForbidden {
		t.Errorf("viewer: %d %v, want 403", code, body)
	}
	code, body := putMarkdown(t, ts, id, editor, edited)
	if code != http.StatusOK || body["result"] != "updated" || body["incident_id"] != id {
		t.Fatalf("editor: %d %v", code, body)
	}
	stored, err := ts.store.FindPostmortem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if v := stored.Document.Narrative.OrganizationalLessons[3].Value; v != "Rollbacks are normal here" {
		t.Errorf("culture lesson %q", v)
	}
	if _, got = ts.get(t, "/api/v1/incidents/"+id+"/postmortem.md"); !bytes.Equal(got, edited) {
		t.Errorf("GET after PUT is not the edited document")
	}
	if code, body := putMarkdown(t, ts, id, editor, edited); code != 200 || body["result"] != "skipped (unchanged)" {
		t.Errorf("same document again: %d %v", code, body)
	}

	for name, doc := range map[string][]byte{
		"another incident": bytes.Replace(edited, []byte("INCIDENT-20250930-0024-highapierrorrate"), []byte("INCIDENT-20250930-0025-other"), 1),
		"binary":           []byte("\x00\x01"),
	} {
		if code, body := putMarkdown(t, ts, id, editor, doc); code != http.StatusBadRequest || body["error"] == "" {
			t.Errorf("%s: %d %v, want 400 with a message", name, code, body)
		}
	}

	approved := bytes.Replace(edited, []byte("**Document Status**: UNDER REVIEW"), []byte("**Document Status**: APPROVED"), 1)
	if code, body := putMarkdown(t, ts, id, editor, approved); code != 200 {
		t.Fatalf("approving by document: %d %v", code, body)
	}
	again := bytes.Replace(approved, []byte("Rollbacks are normal here"), []byte("Changed after approval"), 1)
	code, body = putMarkdown(t, ts, id, editor, again)
	if msg, _ := body["error"].(string); code != http.StatusConflict || !strings.Contains(msg, "record") {
		t.Errorf("edit of an approved post-mortem: %d %v, want 409", code, body)
	}
	if _, got = ts.get(t, "/api/v1/incidents/"+id+"/postmortem.md"); !bytes.Equal(got, approved) {
		t.Errorf("the approved post-mortem changed")
	}
	if code, _ := putMarkdown(t, ts, "INCIDENT-20990101-0000-none", editor, edited); code != http.StatusNotFound {
		t.Errorf("unknown incident: %d, want 404", code)
	}
}
