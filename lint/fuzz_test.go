package lint_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/lint"
)

// FuzzCheck checks that lint never panics on any document and that its
// findings are well formed: a known rule, a message, a line of the
// document, sorted by line.
func FuzzCheck(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"testdata/*.md", "testdata/*/*.md", "../postmortem/testdata/*/*.md"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, m...)
	}
	if len(seeds) == 0 {
		f.Fatal("no seed documents")
	}
	for _, path := range seeds {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("# Post-Mortem: X\n\n- What: [Brief description]\n<!--\n## 🔍 Root Cause Analysis\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		got := lint.Check("fuzz.md", src)
		lines := strings.Count(string(src), "\n") + 1
		for i, fd := range got {
			if !slices.Contains(lint.Rules, fd.Rule) || fd.Message == "" || fd.File != "fuzz.md" {
				t.Fatalf("malformed finding %+v", fd)
			}
			if fd.Line < 1 || fd.Line > lines {
				t.Fatalf("finding on line %d of a %d-line document: %+v", fd.Line, lines, fd)
			}
			if i > 0 && got[i-1].Line > fd.Line {
				t.Fatalf("findings not sorted by line: %+v before %+v", got[i-1], fd)
			}
		}
	})
}
