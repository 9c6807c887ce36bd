package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// fixtures is the parser's test data, which the import reuses.
const fixtures = "../../postmortem/testdata"

// MustCopy copies the file src to dst, creating dst's directory.
func MustCopy(tb testing.TB, src, dst string) {
	tb.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	MustWrite(tb, dst, b)
}

// MustWrite writes b to path, creating its directory.
func MustWrite(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// MustParseFile parses a fixture.
func MustParseFile(tb testing.TB, path string) hindsight.Postmortem {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	pm, err := postmortem.Parse(src)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return pm
}

// mixedDir builds a directory of good and bad documents and returns it.
// Good: three goldens, the Google SRE and free-form layouts, a table row
// with missing cells. Bad: binary, not UTF-8, 50 MB, a row without its time,
// an incident ID that a golden already has. Plus a text file and a .git
// directory that the import passes over.
func mixedDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	for _, name := range []string{"alertmanager.md", "leap-year.md", "resolved.md"} {
		MustCopy(tb, filepath.Join(fixtures, "golden", name), filepath.Join(dir, "golden", name))
	}
	for _, name := range []string{"google-sre.md", "freeform.md"} {
		MustCopy(tb, filepath.Join(fixtures, "other", name), filepath.Join(dir, "other", name))
	}
	monthEnd, err := os.ReadFile(filepath.Join(fixtures, "golden", "month-end.md"))
	if err != nil {
		tb.Fatal(err)
	}
	const row = "| HH:MM | Detection | On-call | Alert acknowledged |"
	MustWrite(tb, filepath.Join(dir, "short-row.markdown"), bytes.Replace(monthEnd, []byte(row), []byte("| 10:05 | Detection |"), 1))
	MustWrite(tb, filepath.Join(dir, "bad", "no-time.md"), bytes.Replace(monthEnd, []byte(row), []byte("| | Detection | On-call | Alert acknowledged |"), 1))
	MustWrite(tb, filepath.Join(dir, "bad", "binary.md"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	MustWrite(tb, filepath.Join(dir, "bad", "latin1.md"), []byte("# Panne du r\xe9seau\n\nR\xe9sum\xe9\n"))
	huge := filepath.Join(dir, "bad", "huge.md")
	MustWrite(tb, huge, []byte("# Huge\n"))
	if err := os.Truncate(huge, 50<<20); err != nil { // sparse: no 50 MB written
		tb.Fatal(err)
	}
	MustCopy(tb, filepath.Join(fixtures, "golden", "seed-inputs.md"), filepath.Join(dir, "zz", "seed-inputs.md"))
	MustWrite(tb, filepath.Join(dir, "notes.txt"), []byte("not a post-mortem"))
	MustWrite(tb, filepath.Join(dir, ".git", "HEAD.md"), []byte("ref: refs/heads/main"))
	return dir
}

func TestImport_MixedDirectory(t *testing.T) {
	t.Parallel()
	dir := mixedDir(t)
	db := teststore.SQLiteDSN(t)
	code, out, errOut := runCLI(t, "", "import", "--db", db, dir)
	if code != exitError {
		t.Errorf("exit code %d, want %d (some files failed)", code, exitError)
	}
	if !strings.Contains(out, "created 6, updated 0, skipped 1, failed 5\n") {
		t.Errorf("summary:\n%s", out)
	}
	p := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	for _, want := range []string{
		p("golden", "resolved.md") + ": created INCIDENT-20250930-0024-highapierrorrate",
		p("other", "google-sre.md") + ": created INCIDENT-",
		p("short-row.markdown") + ": created INCIDENT-20250131-1000-highapierrorrate",
		p("notes.txt") + ": skipped (not Markdown)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{
		p("bad", "binary.md") + ": line 3: the document contains a NUL byte",
		p("bad", "latin1.md") + ": line 1: the document is not valid UTF-8",
		p("bad", "huge.md") + ": the file is 50.0 MB; a post-mortem may be at most 10 MB",
		p("bad", "no-time.md") + ": line 58: timeline time \"\" is neither HH:MM",
		p("zz", "seed-inputs.md") + ": incident INCIDENT-20250930-0024-highapierrorrate is also in " + p("golden", "resolved.md"),
		"hindsight: 5 of 12 files failed",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(out+errOut, ".git") {
		t.Errorf("the import entered .git:\n%s%s", out, errOut)
	}

	s := teststore.Open(t, db)
	ctx := context.Background()
	if _, n, err := s.FindIncidents(ctx, hindsight.IncidentFilter{}); err != nil || n != 6 {
		t.Errorf("stored incidents: %d, %v; want 6", n, err)
	}
	t.Run("StoredWhole", func(t *testing.T) {
		want := MustParseFile(t, p("golden", "resolved.md"))
		got, err := s.FindPostmortem(ctx, want.Incident.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Timeline) != len(want.Timeline) || len(got.Actions) != len(want.Actions) || len(got.SignOffs) != len(want.SignOffs) {
			t.Errorf("stored %d events, %d actions, %d sign-offs; the file has %d, %d, %d",
				len(got.Timeline), len(got.Actions), len(got.SignOffs), len(want.Timeline), len(want.Actions), len(want.SignOffs))
		}
		if !sameJSON(got.Document.Narrative, want.Document.Narrative) {
			t.Error("the stored narrative differs from the file's")
		}
		if got.Incident.Title != want.Incident.Title || got.Incident.Severity != want.Incident.Severity || got.Incident.Status != want.Incident.Status {
			t.Errorf("stored incident %+v", got.Incident)
		}
	})
	t.Run("PaddedRow", func(t *testing.T) {
		got, err := s.FindPostmortem(ctx, "INCIDENT-20250131-1000-highapierrorrate")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range got.Timeline {
			found = found || (e.Event == "Detection" && e.Actor == "" && e.Action == "")
		}
		if !found {
			t.Errorf("the row with missing cells is not stored with empty cells: %+v", got.Timeline)
		}
	})
}

func TestImport_Idempotent(t *testing.T) {
	t.Parallel()
	dir := mixedDir(t)
	db := teststore.SQLiteDSN(t)
	runCLI(t, "", "import", "--db", db, dir)
	_, before, _ := runCLI(t, "", "export", "--all", "--db", db)
	code, out, _ := runCLI(t, "", "import", "--db", db, dir)
	if code != exitError || !strings.Contains(out, "created 0, updated 0, skipped 7, failed 5\n") {
		t.Errorf("second import: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, filepath.Join(dir, "golden", "resolved.md")+": skipped (unchanged) INCIDENT-20250930-0024-highapierrorrate") {
		t.Errorf("second import:\n%s", out)
	}
	_, after, _ := runCLI(t, "", "export", "--all", "--db", db)
	if before == "" || before != after {
		t.Errorf("re-importing changed the store (%d bytes before, %d after)", len(before), len(after))
	}
}

func TestImport_ChangedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	doc := filepath.Join(dir, "outage.md")
	MustCopy(t, filepath.Join(fixtures, "golden", "resolved.md"), doc)
	if code, out, errOut := runCLI(t, "", "import", "--db", db, doc); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	edited := filepath.Join(fixtures, "edited", "resolved-reviewed.md")
	MustCopy(t, edited, doc)
	code, out, errOut := runCLI(t, "", "import", "--db", db, doc)
	if code != 0 || !strings.Contains(out, doc+": updated INCIDENT-20250930-0024-highapierrorrate") ||
		!strings.Contains(out, "created 0, updated 1, skipped 0, failed 0") {
		t.Fatalf("changed file: exit %d\n%s%s", code, out, errOut)
	}
	id := "INCIDENT-20250930-0024-highapierrorrate"
	_, md, _ := runCLI(t, "", "export", "--db", db, id, "--format", "md")
	assertSameLines(t, edited, md)

	s := teststore.Open(t, db)
	got, err := s.FindDocument(context.Background(), id)
	if err != nil || got.Version != 2 {
		t.Errorf("document after the update: %+v, %v; want version 2", got, err)
	}
	if _, n, err := s.FindRevisions(context.Background(), hindsight.RevisionFilter{IncidentID: id, Entity: hindsight.EntityDocument}); err != nil || n != 2 {
		t.Errorf("document revisions: %d, %v; want 2 (created, updated)", n, err)
	}
	if code, out, _ := runCLI(t, "", "import", "--db", db, doc); code != 0 || !strings.Contains(out, "skipped (unchanged)") {
		t.Errorf("third import: exit %d\n%s", code, out)
	}
}

func TestImport_Backup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	runCLI(t, "", "import", "--db", src, filepath.Join(fixtures, "golden", "resolved.md"))
	_, backup, _ := runCLI(t, "", "export", "--all", "--db", src)
	// Named without .json: the backup is recognised by its content.
	file := filepath.Join(dir, "backup.bak")
	MustWrite(t, file, []byte(backup))
	if code, out, errOut := runCLI(t, "", "import", "--db", dst, file); code != 0 {
		t.Fatalf("backup import: exit %d\n%s%s", code, out, errOut)
	}
	if _, restored, _ := runCLI(t, "", "export", "--all", "--db", dst); restored != backup {
		t.Error("the restored store differs from the backup")
	}
	t.Run("AmongDocuments", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "import", "--db", filepath.Join(dir, "c.db"), file, filepath.Join(fixtures, "other", "freeform.md"))
		if code != exitError || !strings.Contains(errOut, file+": this is a JSON backup, not a post-mortem") {
			t.Errorf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("ErrBadSeverityFlag", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "import", "--db", filepath.Join(dir, "c.db"), "--default-severity", "P1", file, file)
		if code != exitError || !strings.Contains(errOut, "--default-severity") {
			t.Errorf("exit %d\n%s", code, errOut)
		}
	})
}

// assertSameDocument compares a rendered document with a source file,
// trailing whitespace aside.
func assertSameDocument(tb testing.TB, path, got string) {
	tb.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	w, g := strings.Split(trimTrailing(string(want)), "\n"), strings.Split(trimTrailing(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			tb.Errorf("%s: the export differs at line %d:\nwant %q\ngot  %q", path, i+1, wl, gl)
			return
		}
	}
}

// assertSameLines compares a rendered document with a source file line by
// line in any order, the "**Version**" line aside. It is for documents
// that the store cannot reproduce exactly: action items come back ordered
// by due date, and the version is the store's count of changes, not the
// number typed in the file.
func assertSameLines(tb testing.TB, path, got string) {
	tb.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	lines := func(s string) []string {
		var out []string
		for _, l := range strings.Split(trimTrailing(s), "\n") {
			if !strings.HasPrefix(l, "**Version**:") {
				out = append(out, l)
			}
		}
		slices.Sort(out)
		return out
	}
	if w, g := lines(string(want)), lines(got); !slices.Equal(w, g) {
		tb.Errorf("%s: the export does not have the same lines:\nwant %q\ngot  %q", path, w, g)
	}
}

// trimTrailing drops trailing whitespace from every line and blank lines at the end.
func trimTrailing(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}
