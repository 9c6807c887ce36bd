package postmortem_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// MustParse parses src or fails the test.
func MustParse(tb testing.TB, src []byte) hindsight.Postmortem {
	tb.Helper()
	pm, err := postmortem.Parse(src)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return pm
}

// trimLines drops trailing whitespace from every line and blank lines at the end.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// roundTripFiles lists the goldens and the edited fixtures.
func roundTripFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, dir := range []string{"golden", "edited"} {
		m, err := filepath.Glob(filepath.Join("testdata", dir, "*.md"))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Fatal("no documents under testdata/golden or testdata/edited")
	}
	return files
}

// TestParse_RoundTrip checks that Render(Parse(doc)) reproduces every
// generated and every generated-then-edited document, trailing whitespace aside.
func TestParse_RoundTrip(t *testing.T) {
	for _, path := range roundTripFiles(t) {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pm := MustParse(t, src)
			if len(pm.Document.Narrative.Extra) > 0 && !strings.Contains(string(src), pm.Document.Narrative.Extra[0].Heading) {
				t.Errorf("unexpected kept section %q", pm.Document.Narrative.Extra[0].Heading)
			}
			got := MustRender(t, pm)
			if trimLines(got) != trimLines(string(src)) {
				t.Errorf("Render(Parse(%s)) differs:\n%s", path, firstDiff(trimLines(string(src)), trimLines(got)))
			}
		})
	}
}

// render renders pm into a string.
func render(pm hindsight.Postmortem) (string, error) {
	var buf bytes.Buffer
	err := postmortem.Render(&buf, pm, nil)
	return buf.String(), err
}
