package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// importOne imports a file into a new store and returns the store's path.
func importOne(tb *testing.T, path string) string {
	tb.Helper()
	db := teststore.SQLiteDSN(tb)
	if code, out, errOut := runCLI(tb, "", "import", "--db", db, path); code != 0 {
		tb.Fatalf("import %s: exit %d\n%s%s", path, code, out, errOut)
	}
	return db
}

func TestExport_MarkdownRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		// exact is false where the store cannot give the source back byte
		// for byte (see assertSameLines).
		exact bool
	}{
		{"golden/alertmanager", "golden/alertmanager.md", true},
		{"golden/leap-year", "golden/leap-year.md", true},
		{"golden/month-end", "golden/month-end.md", true},
		{"golden/resolved", "golden/resolved.md", true},
		{"golden/seed-inputs", "golden/seed-inputs.md", true},
		{"edited/alertmanager-investigating", "edited/alertmanager-investigating.md", true},
		{"edited/resolved-reviewed", "edited/resolved-reviewed.md", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(fixtures, tt.path)
			db := importOne(t, path)
			id := MustParseFile(t, path).Incident.ID
			code, md, errOut := runCLI(t, "", "export", "--db", db, id, "--format", "md")
			if code != 0 {
				t.Fatalf("export: exit %d: %s", code, errOut)
			}
			if tt.exact {
				assertSameDocument(t, path, md)
			} else {
				assertSameLines(t, path, md)
			}
		})
	}
}

func TestExport_HTML(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "import", "hostile.md")
	db := importOne(t, path)
	id := MustParseFile(t, path).Incident.ID
	code, page, errOut := runCLI(t, "", "export", "--db", db, id, "--format", "html")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	lower := strings.ToLower(page)
	for _, bad := range []string{"<script", "javascript:", "onerror=", "onload=", "onclick=", "<iframe", "<form", "<link", "evil.example"} {
		if strings.Contains(lower, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	for _, want := range []string{"<!DOCTYPE html>", "<title>Post-mortem: Payments outage &lt;script&gt;", "@media print",
		"Content-Security-Policy", "<table>", "Rolled back"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

func TestExport_JSON(t *testing.T) {
	t.Parallel()
	path := filepath.Join(fixtures, "golden", "resolved.md")
	db := importOne(t, path)
	id := MustParseFile(t, path).Incident.ID
	code, out, errOut := runCLI(t, "", "export", "--db", db, id, "--format", "json")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	var got hindsight.Postmortem
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("the export is not a Postmortem: %v", err)
	}
	want, err := teststore.Open(t, db).FindPostmortem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	// The objectives are configuration, shown beside what is stored.
	want.SLO = hindsight.DefaultSLOTargets()
	if !sameJSON(got, *want) {
		t.Error("the JSON export differs from the stored post-mortem with the configured objectives")
	}
	again, _ := json.MarshalIndent(got, "", "  ")
	if !bytes.Equal(append(again, '\n'), []byte(out)) {
		t.Error("the JSON export does not survive decoding and encoding unchanged")
	}
	for _, key := range []string{`"incident": {`, `"document": {`, `"timeline": [`, `"actions": [`, `"sign_offs": [`, `"slo": {`} {
		if !strings.Contains(out, key) {
			t.Errorf("the export lacks %s", key)
		}
	}
	if got.SLO != hindsight.DefaultSLOTargets() {
		t.Errorf("the JSON export shows objectives %+v, want the configured (default) ones", got.SLO)
	}
}

func TestExport_Errors(t *testing.T) {
	t.Parallel()
	db := importOne(t, filepath.Join(fixtures, "golden", "resolved.md"))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrUnknownFormat", []string{"export", "--db", db, "INCIDENT-20250930-0024-highapierrorrate", "--format", "pdf"}, `unknown --format "pdf": use md, html or json`},
		{"ErrNotFound", []string{"export", "--db", db, "INCIDENT-NOPE", "--format", "md"}, "export INCIDENT-NOPE: "},
		{"ErrBackupFormat", []string{"export", "--all", "--db", db, "--format", "html"}, "--format html needs an INCIDENT-ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != exitError || out != "" || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errOut, tt.want)
			}
		})
	}
}

// sameJSON reports whether a and b encode to the same JSON.
func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}
