package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// rulesOn returns "rule@line" for each finding of rule.
func rulesOn(fs []hindsight.Finding, rule string) []int {
	var out []int
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f.Line)
		}
	}
	return out
}

func TestCheck_TimelineBeforeStart(t *testing.T) {
	head := "# Post-Mortem: Test\n\n- When: 2025-09-30 00:24 to 2025-09-30 01:10 (46 minutes)\n\n" +
		"| Time | Event | Actor | Action/Observation |\n|------|-------|-------|-------------------|\n"
	second := "\n| Time | Event | Actor | Action/Observation |\n|------|-------|-------|-------------------|\n"
	tests := []struct {
		name string
		rows string
		want []int
	}{
		{"IssueStartBeforeAlert", "| 00:19 | Issue started | System | Config change |\n| 00:24 | Initial trigger | System | Alert fired |\n", nil},
		{"FullDateIssueStart", "| 2025-09-30 00:19 | Issue started | System | Config change |\n| 2025-09-30 00:24 | Initial trigger | System | Alert fired |\n", nil},
		{"ContextBeforeIssueStart", "| 00:05 | Deploy | @ci | Rolled out 4.2 |\n| 00:19 | Issue started | System | Errors rise |\n| 00:24 | Initial trigger | System | Alert fired |\n", nil},
		{"PreviousDay", "| 2025-09-29 23:50 | Config change | @ops | Pool size 20 |\n| 00:24 | Initial trigger | System | Alert fired |\n", nil},
		{"WithSeconds", "| 00:19:30 | Issue started | System | Errors rise |\n| 00:24:05 | Initial trigger | System | Alert fired |\n", nil},
		{"AcknowledgedBeforeAlert", "| 00:10 | Detection | @a | Ack |\n| 00:24 | Initial trigger | System | Alert fired |\n", []int{7}},
		{"BeforeStartAfterAlert", "| 00:24 | Initial trigger | System | Alert fired |\n| 00:30 | Detection | @a | Ack |\n", nil},
		{"ContextAfterAlert", "| 00:24 | Initial trigger | System | Alert fired |\n| 00:20 | Deploy | @ci | Rolled out |\n", []int{8}},
		{"BeforeStartInLaterTable", "| 00:24 | Initial trigger | System | Alert fired |\n" + second + "| 00:12 | Escalation | @a | Paged the DB team |\n", []int{11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := lint.Check("t.md", []byte(head+tt.rows))
			if got := rulesOn(fs, lint.RuleTimelineBeforeStart); !slices.Equal(got, tt.want) {
				t.Errorf("timeline-before-start on %v, want %v:\n%s", got, tt.want, summary(fs))
			}
		})
	}
}

// TestCheckWith_FollowUpDue: an approved document lints clean until its
// follow-up metrics are due, 30 days after the resolution, and reports them
// after; an unresolved document's follow-up is never due.
func TestCheckWith_FollowUpDue(t *testing.T) {
	src := mustRead(t, filepath.Join("..", "testdata", "handwritten", "seed-completed.md"))
	approved := []byte(strings.Replace(string(src), "**Document Status**: UNDER REVIEW", "**Document Status**: APPROVED", 1))
	resolved := time.Date(2025, 9, 30, 1, 10, 0, 0, time.UTC)
	unresolved := []byte(strings.Replace(string(approved), "- When: 2025-09-30 00:24 to 01:10 (46 minutes)", "- When: 2025-09-30 00:24 to TBD (TBD)", 1))
	tests := []struct {
		name     string
		src      []byte
		now      time.Time
		findings int
	}{
		{"ApprovedDayAfter", approved, resolved.Add(24 * time.Hour), 0},
		{"ApprovedDayBeforeDue", approved, resolved.Add(lint.FollowUpDelay - time.Minute), 0},
		{"ApprovedDue", approved, resolved.Add(lint.FollowUpDelay + time.Minute), 4},
		{"UnresolvedYearLater", unresolved, resolved.AddDate(1, 0, 0), 1}, // its "to TBD", not the follow-up
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := lint.CheckWith("pm.md", tt.src, lint.Options{Now: tt.now})
			if len(fs) != tt.findings {
				t.Errorf("%d findings, want %d:\n%s", len(fs), tt.findings, summary(fs))
			}
			for _, f := range fs {
				if tt.findings == 4 && (f.Rule != lint.RulePlaceholder || f.Line < 183 || f.Line > 186 || !strings.Contains(f.Message, "were due on 2025-10-30")) {
					t.Errorf("unexpected finding %s", f)
				}
			}
		})
	}
}

// TestCheck_Corpus: the hand-written seed-layout documents have nothing
// but their follow-up placeholders (long due) to report.
func TestCheck_Corpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "handwritten", "seed-*.md"))
	if len(files) < 3 {
		t.Fatalf("%d seed-layout documents", len(files))
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range lint.Check(path, src) {
			if !strings.Contains(f.Message, "template placeholder") || !strings.Contains(string(src), "- [ ] ") {
				t.Errorf("%s", f)
			}
		}
		if fs := lint.CheckWith(path, src, lint.Options{Now: time.Date(2025, 4, 5, 0, 0, 0, 0, time.UTC)}); len(fs) > 0 {
			t.Errorf("%s before its follow-up is due:\n%s", path, summary(fs))
		}
	}
}

func TestFigureMismatches(t *testing.T) {
	src := mustRead(t, filepath.Join("..", "testdata", "handwritten", "seed-completed.md"))
	pm, err := postmortem.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	measured := func(v float64, unit hindsight.Unit) hindsight.Figure {
		return hindsight.Figure{Value: v, Unit: unit, Measured: true}
	}
	tests := []struct {
		name   string
		impact *hindsight.Impact
		want   []string
	}{
		{"NotMeasured", nil, nil},
		{"Agrees", &hindsight.Impact{Availability: measured(96.15, hindsight.UnitPercent), LatencyP95: measured(790, hindsight.UnitMilliseconds)}, nil},
		{"AvailabilityDiffers", &hindsight.Impact{Availability: measured(97.5, hindsight.UnitPercent)}, []string{"figures.Availability"}},
		{"LatencyAndDowntimeDiffer", &hindsight.Impact{LatencyP99: measured(1200, hindsight.UnitMilliseconds), Downtime: measured(12, hindsight.UnitMinutes)},
			[]string{"figures.p99 latency", "figures.Total downtime"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pm
			p.Impact = tt.impact
			fs := lint.FigureMismatches(p, strings.Split(string(src), "\n"))
			var got []string
			for _, f := range fs {
				got = append(got, f.Field)
				if f.Severity != hindsight.FindingWarning || f.Rule != lint.RuleFigureMismatch || f.Line == 0 {
					t.Errorf("finding %+v", f)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("mismatches %v, want %v", got, tt.want)
			}
		})
	}
	// The typed response times are compared with the timeline's.
	p := pm
	p.Timeline = append([]hindsight.TimelineEvent(nil), pm.Timeline...)
	p.Timeline[2].Time = p.Timeline[2].Time.Add(20 * time.Minute) // acknowledged 20 minutes later
	p.Document.Narrative.Figures = append(p.Document.Narrative.Figures, hindsight.Section{Heading: "Response Time Metrics",
		Body: "- **Time to Acknowledge**: 3 minutes (from alert to human response)"})
	fs := lint.FigureMismatches(p, nil)
	if len(fs) != 1 || fs[0].Field != "figures.Time to Acknowledge" || !strings.Contains(fs[0].Message, "23 minutes") {
		t.Errorf("response-time mismatch: %+v", fs)
	}
	// Document lints warn about them without an error.
	p.Impact = &hindsight.Impact{Availability: measured(97.5, hindsight.UnitPercent)}
	all, err := lint.Document(nil, func() time.Time { return time.Date(2025, 10, 5, 0, 0, 0, 0, time.UTC) })(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(rulesOn(all, lint.RuleFigureMismatch)) != 2 || len(lint.Errors(all)) != len(all)-2 {
		t.Errorf("document lint: %s", summary(all))
	}
}
