package hindsight_test

import (
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is the import path of the root package.
const module = "github.com/hindsight-sre/hindsight"

// imports returns, for each non-test Go file in dir, the packages it
// imports.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	out := map[string][]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			out[filepath.Base(name)] = append(out[filepath.Base(name)], p)
		}
	}
	return out
}

// TestArchitecture_RootImportsStandardLibraryOnly: the domain has no
// dependencies (docs/ARCHITECTURE.md).
func TestArchitecture_RootImportsStandardLibraryOnly(t *testing.T) {
	for file, list := range imports(t, ".") {
		for _, p := range list {
			if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s: the root package imports the standard library only", file, p)
			}
		}
	}
}

// TestArchitecture_MainOnlyWires: package main parses flags and wires the
// packages together. It reaches the database through sqlstore's exported
// API only: no file of cmd/hindsight imports database/sql, a driver or the
// migration library.
func TestArchitecture_MainOnlyWires(t *testing.T) {
	storeInternals := []string{"database/sql", "modernc.org/sqlite", "github.com/jackc/pgx", "github.com/pressly/goose"}
	for file, list := range imports(t, filepath.Join("cmd", "hindsight")) {
		for _, p := range list {
			for _, internal := range storeInternals {
				if p == internal || strings.HasPrefix(p, internal+"/") {
					t.Errorf("cmd/hindsight/%s imports %s: the store's internals belong in sqlstore", file, p)
				}
			}
		}
	}
}

// httpSiblings are the packages of this module that http may import besides
// the root, and why. Everything else reaches http through the root's
// interfaces (hindsight.Services, hindsight.Store, …), set by main on the
// Server; a new sibling import must be added here with its reason.
var httpSiblings = map[string]string{
	"alertmanager": "the webhook's wire format: decoding and bounds of Alertmanager's payload, and the intake that applies it",
	"chart":        "draws the stored SLI series as SVG for the pages and downloads",
	"importer":     "PUT …/postmortem.md stores a document as `hindsight import` does",
	"lint":         "the one rule set, whose findings the editor and the API show",
	"markdown":     "Markdown → sanitized HTML, shared with the export",
	"postmortem":   "renders and parses documents (the downloads, the editor's round trip)",
	"report":       "the audit reports' rows and their formula-safe CSV, shared with `hindsight report`",
}

// TestArchitecture_HTTPImportsAllowList: http imports the root and only the
// siblings of httpSiblings.
func TestArchitecture_HTTPImportsAllowList(t *testing.T) {
	used := map[string]bool{}
	for file, list := range imports(t, "http") {
		for _, p := range list {
			rel, ok := strings.CutPrefix(p, module+"/")
			if !ok {
				continue
			}
			used[rel] = true
			if _, allowed := httpSiblings[rel]; !allowed {
				t.Errorf("http/%s imports %s: reach it through the root's interfaces, or add it to httpSiblings with the reason", file, p)
			}
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(httpSiblings)) {
		if !used[rel] {
			t.Errorf("httpSiblings allows %s, which http no longer imports: remove it", rel)
		}
	}
}

// TestArchitecture_RootDocInDocGo: the root package's doc comment is in
// doc.go, and only there.
func TestArchitecture_RootDocInDocGo(t *testing.T) {
	names, _ := filepath.Glob("*.go")
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if documented := f.Doc != nil; documented != (name == "doc.go") {
			t.Errorf("%s: package doc comment %v, want it in doc.go only", name, documented)
		}
	}
}
