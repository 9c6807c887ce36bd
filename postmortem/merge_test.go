package postmortem_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/postmortem"
)

func TestMerge3(t *testing.T) {
	tests := []struct {
		name, ours, base, theirs, want string
	}{
		{"Unchanged", "a  \nB\nc", "a\nb\nc\n", "a\nb\nc\n", "a  \nB\nc"},
		{"TheirsChangedOtherLine", "a  \nb\nc\n", "a\nb\nc\n", "a\nb\nC\n", "a  \nb\nC\n"},
		{"TheirsChangedSameLine", "a\nB\nc\n", "a\nb\nc\n", "a\nb2\nc\n", "a\nb2\nc\n"},
		{"OursAddedTheirsChanged", "x\na\nb\nc\n", "a\nb\nc\n", "a\nb\nC\n", "x\na\nb\nC\n"},
		{"TheirsAddedRow", "| 1 |  \n| 2 |\n\nend\n", "| 1 |\n| 2 |\n\nend\n", "| 1 |\n| 2 |\n| 3 |\n\nend\n", "| 1 |  \n| 2 |\n| 3 |\n\nend\n"},
		{"TheirsDeleted", "a\nb  \nc\n", "a\nb\nc\n", "a\nb\n", "a\nb  \n"},
		{"BothAdded", "a\nmine\nb\n", "a\nb\n", "a\nnew\nb\n", "a\nmine\nnew\nb\n"},
		{"NoFinalNewline", "a\nb", "a\nb\n", "a\nc\n", "a\nc\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postmortem.Merge3(tt.ours, tt.base, tt.theirs); got != tt.want {
				t.Errorf("Merge3 = %q, want %q", got, tt.want)
			}
		})
	}
}

// BenchmarkMerge3 merges a one-row change into a hand-written document of
// about 250 lines, as every export of an edited imported post-mortem does.
func BenchmarkMerge3(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "handwritten", "seed-completed.md"))
	if err != nil {
		b.Fatal(err)
	}
	ours := string(src)
	base := strings.ReplaceAll(ours, "  \n", "\n")
	theirs := strings.Replace(base, "🔄 In progress", "✅ Done", 1)
	b.ReportAllocs()
	for b.Loop() {
		if postmortem.Merge3(ours, base, theirs) == ours {
			b.Fatal("the change was not applied")
		}
	}
}
