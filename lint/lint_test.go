package lint_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
)

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// summary formats findings one per line.
func summary(fs []hindsight.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestCheck_Complete(t *testing.T) {
	if fs := lint.Check("complete.md", mustRead(t, filepath.Join("testdata", "complete.md"))); len(fs) > 0 {
		t.Errorf("a completed document has findings:\n%s", summary(fs))
	}
}

// TestCheck_Rules runs each rule's failing and passing fixture under
// testdata/<rule>/: the failing one must report the rule on the given line,
// the passing one must not report it at all.
func TestCheck_Rules(t *testing.T) {
	tests := []struct {
		rule  string
		lines []int
	}{
		{lint.RulePlaceholder, []int{5, 6}},
		{lint.RuleTemplatePerson, []int{5}},
		{lint.RuleEmptyWhy, []int{6, 9}},
		{lint.RuleTimelineOrder, []int{10}},
		{lint.RuleTimelineBeforeStart, []int{7}},
		{lint.RuleActionOwner, []int{7, 8}},
		{lint.RuleActionDue, []int{7}},
		{lint.RuleActionVerification, []int{7}},
		{lint.RuleDueBeforeIncident, []int{7}},
		{lint.RuleImpossibleFigure, []int{5, 6}},
	}
	if len(tests) != len(lint.Rules) {
		t.Fatalf("%d rules tested, %d rules exist", len(tests), len(lint.Rules))
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			fail := lint.Check("fail.md", mustRead(t, filepath.Join("testdata", tt.rule, "fail.md")))
			var got []int
			for _, f := range fail {
				if f.Rule == tt.rule {
					got = append(got, f.Line)
				}
			}
			if !slices.Equal(dedupe(got), tt.lines) {
				t.Errorf("fail.md: %s on lines %v, want %v:\n%s", tt.rule, got, tt.lines, summary(fail))
			}
			for _, f := range lint.Check("pass.md", mustRead(t, filepath.Join("testdata", tt.rule, "pass.md"))) {
				t.Errorf("pass.md: %s", f)
			}
		})
	}
}

func dedupe(xs []int) []int {
	var out []int
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// TestCheck_SeedFails checks that the unedited seed fails and lists its
// placeholders, with the right line numbers.
func TestCheck_SeedFails(t *testing.T) {
	fs := lint.Check("seed.md", mustRead(t, filepath.Join("..", "testdata", "seed-postmortem.md")))
	want := []string{
		`seed.md:24: placeholder: "[Brief technical explanation]"`,
		`seed.md:57: placeholder: "HH:MM"`,
		`seed.md:88: empty-why:`,
		`seed.md:145: action-owner:`,
		`seed.md:231: template-person: @manager`,
	}
	got := summary(fs)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}
