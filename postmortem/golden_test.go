package postmortem_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// seedStart is the seed document's incident start.
var seedStart = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// seedIncident is the incident of the seed document, as `hindsight new`
// builds it from the seed's flags.
func seedIncident() hindsight.Incident {
	return hindsight.Incident{
		Title:     "HighAPIErrorRate",
		AlertName: "HighAPIErrorRate",
		Severity:  hindsight.SEV2,
		Summary:   "API 5xx error rate exceeded threshold during peak hours",
		Services:  []string{"api", "database", "load-balancer"},
		Author:    "parallels",
		StartedAt: seedStart,
	}
}

// seedDraft is the draft of the seed's inputs, generated at the start.
func seedDraft() hindsight.Postmortem {
	return postmortem.NewDraft(seedIncident(), postmortem.DraftOptions{Author: "parallels", Version: "dev", Now: seedStart})
}

// MustRender renders pm with the default template.
func MustRender(tb testing.TB, pm hindsight.Postmortem) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, pm, nil); err != nil {
		tb.Fatalf("Render: %v", err)
	}
	return buf.String()
}

// splitLines splits a document into its lines.
func splitLines(s string) []string { return strings.Split(s, "\n") }

// assertGolden compares got with testdata/golden/name.md, rewriting it
// under -update.
func assertGolden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", "golden", name+".md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v: run go test ./postmortem -update to create it", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from the rendered document (run with -update if the change is intended):\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff describes the first line where two documents differ.
func firstDiff(want, got string) string {
	w, g := splitLines(want), splitLines(got)
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want: %q\n  got: %q", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}

// at is a time on the seed incident's timeline.
func at(hhmm string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2025-09-30 "+hhmm)
	if err != nil {
		panic(err)
	}
	return t
}

// event is a recorded timeline event.
func event(t time.Time, typ hindsight.EventType, name, actor, action string) hindsight.TimelineEvent {
	return hindsight.TimelineEvent{Time: t, Type: typ, Event: name, Actor: actor, Action: action}
}

// resolvedPostmortem is the seed incident, resolved at 02:10 with a worked
// timeline, an action per horizon and two sign-offs.
func resolvedPostmortem() hindsight.Postmortem {
	pm := seedDraft()
	end := at("02:10")
	pm.Incident.Status = hindsight.IncidentResolved
	pm.Incident.ResolvedAt = &end
	pm.Timeline = append(pm.Timeline,
		event(at("00:20"), hindsight.EventIssueStarted, "Issue started", "System", "Error rate rises above 0.1%"),
		event(at("00:29"), hindsight.EventAcknowledged, "Detection", "@parallels", "Alert acknowledged"),
		event(at("00:35"), hindsight.EventDeclared, "Incident declared", "@parallels", "SEV-2 incident opened"),
		event(at("00:50"), hindsight.EventHypothesis, "Root cause hypothesis", "@parallels", "Connection pool exhausted | DB at max_connections"),
		event(at("01:05"), hindsight.EventMitigation, "First mitigation", "@parallels", "Raised pool size from 50 to 200"),
		event(at("01:50"), hindsight.EventFix, "Solution implemented", "@dbteam", "Deployed query timeout fix"),
		event(at("02:10"), hindsight.EventResolved, "Incident resolved", "On-call", "All systems nominal"),
	)
	pm.Actions = []hindsight.ActionItem{
		{Title: "Alert on pool saturation", Owner: "parallels", Horizon: hindsight.HorizonImmediate,
			DueDate: hindsight.HorizonImmediate.DueDate(seedStart), Status: hindsight.ActionInProgress, Verification: "Alert fires in staging"},
		{Title: "Add query timeouts", Owner: "@dbteam", Horizon: hindsight.HorizonMedium, Status: hindsight.ActionDone,
			Verification: "p99 < 500ms", TrackerURL: "https://tracker.example/OPS-12"},
		{Title: "Move reads to replicas", Horizon: hindsight.HorizonLong, Status: hindsight.ActionWontDo, StatusReason: "replaced by OPS-20"},
	}
	signed := at("03:00").AddDate(0, 0, 2)
	pm.SignOffs = []hindsight.SignOff{
		{Role: hindsight.RoleAuthor, Signer: "parallels", SignedAt: &signed},
		{Role: hindsight.RoleTechnicalReview, Signer: "@sre-lead"},
	}
	pm.Document.Narrative.Impact = "5% of API requests failed for 1 hour 46 minutes"
	return pm
}

// alertmanagerPostmortem is an incident opened by an Alertmanager group:
// links, regions, a SEV1, and alerts on the next UTC day.
func alertmanagerPostmortem() hindsight.Postmortem {
	start := time.Date(2025, 10, 14, 23, 52, 17, 0, time.UTC)
	inc := hindsight.Incident{
		Title:       "KubePodCrashLooping",
		AlertName:   "KubePodCrashLooping",
		Severity:    hindsight.SEV1,
		Summary:     "Pods of checkout are crash looping",
		Description: "Pod checkout-7d9 restarted 12 times in 10 minutes.",
		Services:    []string{"checkout", "payments"},
		Regions:     []string{"eu-west-1", "us-east-1"},
		GroupKey:    `{}:{alertname="KubePodCrashLooping"}`,
		Links: []hindsight.Link{
			{Kind: hindsight.LinkAlert, URL: "http://prometheus.example:9090/graph?g0.expr=rate%28kube_pod_restarts%5B5m%5D%29"},
			{Kind: hindsight.LinkAlertmanager, URL: "http://alertmanager.example:9093"},
			{Kind: hindsight.LinkRunbook, URL: "https://runbooks.example/KubePodCrashLooping"},
			{Kind: hindsight.LinkDashboard, URL: "https://grafana.example/d/k8s-pods"},
		},
		StartedAt: start,
	}
	pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "@oncall-eu", Version: "1.4.0", Now: start.Add(time.Minute)})
	pm.Timeline = append(pm.Timeline, event(start.Add(13*time.Minute), hindsight.EventAlertAdded, "Alert added", "System",
		`Alert fired: KubePodCrashLooping{pod="payments-5f2"}`))
	return pm
}

// draftAt is the seed incident's draft with another start.
func draftAt(start time.Time) hindsight.Postmortem {
	inc := seedIncident()
	inc.StartedAt = start
	return postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "parallels", Version: "dev", Now: start})
}

func TestRender_Golden(t *testing.T) {
	tests := []struct {
		name string
		pm   hindsight.Postmortem
		want []string // lines the document must contain
	}{
		{"seed-inputs", seedDraft(), []string{"- When: 2025-09-30 00:24 to TBD (TBD)", "**Duration**: X hours Y minutes  "}},
		{"resolved", resolvedPostmortem(), []string{
			"- When: 2025-09-30 00:24 to 2025-09-30 02:10 (1 hour 46 minutes)",
			"**Duration**: 1 hour 46 minutes  ",
			"- **Time to Resolve**: 1 hour 46 minutes (total incident duration)",
			"- **Time to Detect**: 4 minutes (from issue start to alert firing)",
			"| 00:50 | Root cause hypothesis | @parallels | Connection pool exhausted \\| DB at max_connections |",
		}},
		{"alertmanager", alertmanagerPostmortem(), []string{
			"- **Regions**: eu-west-1, us-east-1",
			"- **Alert Dashboard**: <https://grafana.example/d/k8s-pods>",
			"- **Runbook**: <https://runbooks.example/KubePodCrashLooping>",
			"| 2025-10-15 00:05 | Alert added | System | Alert fired: KubePodCrashLooping{pod=\"payments-5f2\"} |",
		}},
		{"month-end", draftAt(time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC)), []string{
			"| [Specific action] | @parallels | 2025-02-07 | ⏳ Open | [How to verify completion] |",
			"| [Process improvement] | @parallels | 2025-02-28 | ⏳ Open | [Success criteria] |",
			"| [Architecture change] | @team | 2025-04-30 | ⏳ Open | [Design review complete] |",
			"**Next Review Date**: 2025-07-31 (6 months from incident)  ",
		}},
		{"leap-year", draftAt(time.Date(2024, 1, 31, 23, 59, 0, 0, time.UTC)), []string{
			"| [Specific action] | @parallels | 2024-02-07 | ⏳ Open | [How to verify completion] |",
			"| [Process improvement] | @parallels | 2024-02-29 | ⏳ Open | [Success criteria] |",
			"| [Architecture change] | @team | 2024-04-30 | ⏳ Open | [Design review complete] |",
			"**Next Review Date**: 2024-07-31 (6 months from incident)  ",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MustRender(t, tt.pm)
			assertGolden(t, tt.name, got)
			lines := map[string]bool{}
			for _, l := range splitLines(got) {
				lines[l] = true
			}
			for _, w := range tt.want {
				if !lines[w] {
					t.Errorf("document lacks the line %q", w)
				}
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	pm := resolvedPostmortem()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := postmortem.Render(&buf, pm, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTemplate(b *testing.B) {
	text := postmortem.DefaultTemplateText()
	for b.Loop() {
		if _, err := postmortem.ParseTemplate("default", text); err != nil {
			b.Fatal(err)
		}
	}
}
