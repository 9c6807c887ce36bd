package postmortem_test

import (
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
