package postmortem_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// seedFix is one defect of the seed that the renderer fixes on purpose.
// Explains reports whether the fix accounts for the difference between a
// seed line and the rendered line, given the section heading above it.
type seedFix struct {
	Name     string
	Explains func(heading, seed, got string) bool
}

// exact is a fix that turns one known seed line into one known line.
func exact(seed, got string) func(string, string, string) bool {
	return func(_, s, g string) bool { return s == seed && g == got }
}

// actionDueDates are the corrected due dates of the seed inputs' placeholder
// actions, by table heading: start + 7 days, + 1 month, + 3 months.
var actionDueDates = map[string]string{
	"### Immediate Actions (Complete within 1 week)":    "2025-10-07",
	"### Medium-term Actions (Complete within 1 month)": "2025-10-30",
	"### Long-term Actions (Complete within 1 quarter)": "2025-12-30",
}

// seedFixes names every way the rendered seed inputs may differ from the seed.
var seedFixes = []seedFix{
	{"title names the incident", exact("# Post-Mortem Report Template", "# Post-Mortem: HighAPIErrorRate")},
	{"generator is hindsight <version>", exact("Generator: tools/new_postmortem.sh", "Generator: hindsight dev")},
	{"services as a readable list", exact("- **Services**: - api|- database|- load-balancer", "- **Services**: api, database, load-balancer")},
	{"first timeline row has the alert's time and name", exact(
		"| HH:MM | Initial trigger | System | Alert fired: [Alert Name] |",
		"| 00:24 | Initial trigger | System | Alert fired: HighAPIErrorRate |")},
	{"known severity in the declared row", exact(
		"| HH:MM | Incident declared | On-call | SEV-X incident opened |",
		"| HH:MM | Incident declared | On-call | SEV-2 incident opened |")},
	{"corrective-action due date from the horizon", func(heading, s, g string) bool {
		due, ok := actionDueDates[heading]
		return ok && strings.Count(s, "| 2025-09-30 |") == 1 && strings.Replace(s, "| 2025-09-30 |", "| "+due+" |", 1) == g
	}},
	{"SLO budget computed from target and window", exact("- Monthly SLO budget: 43 minutes (99.9%)", "- Monthly SLO budget: 43.2 minutes (99.9%)")},
	{"code block names its language", exact("```", "```text")},
	{"incident Slack channel filled", exact("- **Incident Slack Channel**: #incident-YYYYMMDD-HHMM", "- **Incident Slack Channel**: #incident-20250930-0024")},
	{"document status is the actual status", exact("**Document Status**: DRAFT/UNDER REVIEW/APPROVED/ARCHIVED  ", "**Document Status**: DRAFT  ")},
	{"next review date is start + 6 months", exact("**Next Review Date**: 2025-09-30 (6 months from incident)  ", "**Next Review Date**: 2026-03-30 (6 months from incident)  ")},
	{"stray trailing whitespace removed", func(_, s, g string) bool {
		return s != g && strings.TrimRight(s, " ") == g && !strings.HasSuffix(g, " ")
	}},
}

var headingRE = regexp.MustCompile(`^#{1,6} `)

// TestRender_SeedDiff renders the seed's inputs and compares the document
// with the seed line by line: every line that differs must be explained by
// exactly one named fix, and every fix must be used.
func TestRender_SeedDiff(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "testdata", "seed-postmortem.md"))
	if err != nil {
		t.Fatal(err)
	}
	got := MustRender(t, seedDraft())

	used := map[string]int{}
	// The seed lacks a final newline; the document ends with one.
	if !strings.HasSuffix(string(seed), "\n") && strings.HasSuffix(got, "\n") {
		got = strings.TrimSuffix(got, "\n")
		used["document ends with a newline"]++
	}
	seedLines, gotLines := splitLines(string(seed)), splitLines(got)
	if len(seedLines) != len(gotLines) {
		t.Fatalf("the seed has %d lines, the document %d: sections were added or lost", len(seedLines), len(gotLines))
	}
	heading := ""
	for i, s := range seedLines {
		g := gotLines[i]
		if headingRE.MatchString(g) {
			heading = strings.TrimRight(g, " ")
		}
		if s == g {
			continue
		}
		fix := explain(heading, s, g)
		if fix == "" {
			t.Errorf("line %d differs from the seed and no fix explains it:\n seed: %q\n  got: %q", i+1, s, g)
			continue
		}
		used[fix]++
		t.Logf("line %d: %s", i+1, fix)
	}
	for _, f := range seedFixes {
		if used[f.Name] == 0 {
			t.Errorf("fix %q explains no line: the renderer no longer applies it", f.Name)
		}
	}
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("fix %q: %d line(s)", n, used[n])
	}
}

// explain returns the name of the one fix that explains a difference, or "".
func explain(heading, seed, got string) string {
	name := ""
	for _, f := range seedFixes {
		if f.Explains(heading, seed, got) {
			if name != "" {
				return "" // ambiguous: two fixes claim the line
			}
			name = f.Name
		}
	}
	return name
}
