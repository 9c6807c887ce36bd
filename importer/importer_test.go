package importer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// corpus is the hand-written documents: none was made by the renderer.
const corpus = "../testdata/handwritten"

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// mustImport parses src and applies it, expecting want.
func mustImport(t *testing.T, s hindsight.Store, src []byte, want importer.Result) hindsight.Postmortem {
	t.Helper()
	pm, err := postmortem.ParseWithOptions(src, postmortem.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pm.Incident.Severity == "" {
		pm.Incident.Severity = hindsight.SEV3
	}
	ctx := hindsight.NewContextWithActor(context.Background(), "hindsight import")
	got, err := importer.Apply(ctx, s, pm, importer.Source{Path: "doc.md", Markdown: src})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if got != want {
		t.Fatalf("import result %q, want %q", got, want)
	}
	return pm
}

// mustExport exports the incident's Markdown as "hindsight export" does.
func mustExport(t *testing.T, s hindsight.Store, id string) string {
	t.Helper()
	pm, err := s.FindPostmortem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (&importer.Service{Store: s}).Export(context.Background(), *pm, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestApply_Corpus imports every hand-written document and exports it
// again: the export is the document byte for byte, importing it (or the
// document) again changes nothing, and nothing the parser read is
// duplicated into Narrative.Extra.
func TestApply_Corpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.md"))
	if len(files) < 6 {
		t.Fatalf("the corpus has %d documents, want at least 6", len(files))
	}
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		for _, path := range files {
			t.Run(filepath.Base(path), func(t *testing.T) {
				src := mustRead(t, path)
				pm := mustImport(t, s, src, importer.Created)
				out := mustExport(t, s, pm.Incident.ID)
				if out != string(src) {
					t.Fatalf("export differs from the document:\n%s", firstDiff(string(src), out))
				}
				for i, line := range strings.Split(string(src), "\n") {
					if !strings.Contains(out, line) {
						t.Errorf("line %d lost: %q", i+1, line)
					}
				}
				mustImport(t, s, src, importer.Unchanged)
				mustImport(t, s, []byte(out), importer.Unchanged)
				stored, err := s.FindPostmortem(context.Background(), pm.Incident.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range stored.Document.Narrative.Extra {
					if strings.Contains(x.Heading, "(as imported)") {
						t.Errorf("section %q duplicated into the appendix", x.Heading)
					}
				}
				// An edited document re-imported keeps the appendix as it was.
				for _, v := range []string{"1.1", "1.2"} {
					edited := bytes.Replace(src, []byte("**Version**: 1.0"), []byte("**Version**: "+v), 1)
					if !postmortem.IsHindsightLayout(src) {
						edited = append(append([]byte(nil), src...), "\nEdited, version "+v+".\n"...)
					}
					mustImport(t, s, edited, importer.Updated)
				}
				again, err := s.FindPostmortem(context.Background(), pm.Incident.ID)
				if err != nil {
					t.Fatal(err)
				}
				if n, m := len(stored.Document.Narrative.Extra), len(again.Document.Narrative.Extra); m != n {
					t.Errorf("re-import of an edited document: %d appendix sections, was %d", m, n)
				}
			})
		}
	})
}

// firstDiff names the first line where a and b differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + x + "\n  got: " + y
		}
	}
	return ""
}
