package hindsight_test

import (
	"bufio"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
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

// packageHeading marks a package's section in docs/ARCHITECTURE.md: a
// level-3 heading that starts with the package's directory, relative to
// the module root, in backquotes ("### `sqlstore`", "### `internal/testenv`");
// the root package's is "### `hindsight`" (rootSection). Other headings
// never start with a backquote.
var packageHeading = regexp.MustCompile("^### `([^`]+)`")

// sectionEnd is a heading that ends a package's section: of level 1 to 3.
var sectionEnd = regexp.MustCompile("^#{1,3} ")

// rootSection is the heading name of the root package's section.
const rootSection = "hindsight"

// packageDirs returns the module's package directories, relative to the
// root ("." for the root): every directory holding a .go file, test-only
// ones included. Like the go command, it skips directories whose name
// starts with "." or "_", testdata, and nested modules.
func packageDirs(t *testing.T) map[string]bool {
	t.Helper()
	dirs := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); path != "." && err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			dirs[filepath.ToSlash(filepath.Dir(path))] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// packageSection is one package's section of docs/ARCHITECTURE.md.
type packageSection struct {
	line int    // of its heading
	text string // up to the next heading of level 3 or above
}

// documentedPackages returns the package sections of docs/ARCHITECTURE.md
// (headings outside code blocks), by directory ("." for the root).
func documentedPackages(t *testing.T) map[string][]packageSection {
	t.Helper()
	f, err := os.Open(filepath.Join("docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]packageSection{}
	var (
		dir    string // of the package section being read, "" outside one
		text   strings.Builder
		fenced bool
	)
	flush := func() {
		if dir != "" {
			out[dir][len(out[dir])-1].text = text.String()
		}
		dir = ""
		text.Reset()
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if fenced || !sectionEnd.MatchString(line) {
			text.WriteString(line + "\n")
			continue
		}
		flush()
		if m := packageHeading.FindStringSubmatch(line); m != nil {
			dir = strings.TrimSuffix(m[1], "/")
			if dir == rootSection {
				dir = "."
			}
			out[dir] = append(out[dir], packageSection{line: n})
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestArchitecture_EveryPackageDocumented: docs/ARCHITECTURE.md has one
// section per package of the module, saying what it owns and what it must
// not do ("must not" appears in it), and no section for a directory that
// is not a package.
func TestArchitecture_EveryPackageDocumented(t *testing.T) {
	dirs := packageDirs(t)
	if !dirs["."] || !dirs["sqlstore"] || !dirs["cmd/hindsight"] {
		t.Fatalf("package directories %v: the walk missed the root, sqlstore or cmd/hindsight", slices.Sorted(maps.Keys(dirs)))
	}
	documented := documentedPackages(t)
	for _, dir := range slices.Sorted(maps.Keys(dirs)) {
		sections := documented[dir]
		switch len(sections) {
		case 0:
			t.Errorf("package %s has no section in docs/ARCHITECTURE.md: add a heading \"### `%s`\" saying what it owns and what it must not do", dir, sectionName(dir))
			continue
		case 1:
		default:
			lines := make([]int, len(sections))
			for i, sec := range sections {
				lines[i] = sec.line
			}
			t.Errorf("package %s has %d sections in docs/ARCHITECTURE.md (lines %v): keep one", dir, len(sections), lines)
		}
		if words := strings.Join(strings.Fields(sections[0].text), " "); !strings.Contains(words, "must not") {
			t.Errorf("docs/ARCHITECTURE.md line %d: the section of %s does not say what it must not do", sections[0].line, sectionName(dir))
		}
	}
	for _, dir := range slices.Sorted(maps.Keys(documented)) {
		if !dirs[dir] {
			t.Errorf("docs/ARCHITECTURE.md line %d describes package %s, which is no directory with Go code: remove or rename the section", documented[dir][0].line, sectionName(dir))
		}
	}
}

// sectionName is the name a package's section heading gives it.
func sectionName(dir string) string {
	if dir == "." {
		return rootSection
	}
	return dir
}
