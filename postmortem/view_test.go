package postmortem_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func TestNewView_SLO(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name                                  string
		slo                                   hindsight.SLOTargets
		budget, period, availability, latency string
	}{
		{"defaults", hindsight.SLOTargets{}, "43.2", "Monthly", "99.9%", "<500ms"},
		{"two nines", hindsight.SLOTargets{Availability: 99, Window: 30 * day, LatencyP95: 300 * time.Millisecond}, "432", "Monthly", "99%", "<300ms"},
		{"weekly", hindsight.SLOTargets{Availability: 99.95, Window: 7 * day, LatencyP95: time.Second, LatencyP99: 2 * time.Second},
			"5", "Weekly", "99.95%", "p95 <1000ms, p99 <2000ms"},
		{"28 days", hindsight.SLOTargets{Availability: 99.9, Window: 28 * day, LatencyP95: 250 * time.Millisecond}, "40.3", "28-day", "99.9%", "<250ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pm := seedDraft()
			pm.SLO = tt.slo
			v := postmortem.NewView(pm).SLO
			if v.BudgetMinutes != tt.budget || v.BudgetPeriod != tt.period || v.Availability != tt.availability || v.Latency != tt.latency {
				t.Errorf("SLO view = %+v, want budget %s, period %s, availability %s, latency %s",
					v, tt.budget, tt.period, tt.availability, tt.latency)
			}
		})
	}
}

// rows returns the timeline rows of one phase as "time|event|actor|action".
func rows(v postmortem.View, phase hindsight.Phase) []string {
	var out []string
	for _, tbl := range v.Timeline {
		if tbl.Phase == string(phase) {
			for _, r := range tbl.Rows {
				out = append(out, r.Time+"|"+r.Event+"|"+r.Actor+"|"+r.Action)
			}
		}
	}
	return out
}

func TestNewView_TimelinePlaceholders(t *testing.T) {
	t.Run("OneEscalationUsesUpOnePlaceholder", func(t *testing.T) {
		pm := seedDraft()
		pm.Timeline = append(pm.Timeline, event(at("00:40"), hindsight.EventEscalation, "Escalation", "On-call", "Engaged @dbteam"))
		got := rows(postmortem.NewView(pm), hindsight.PhaseInvestigation)
		want := []string{
			"00:40|Escalation|On-call|Engaged @dbteam",
			"HH:MM|Root cause hypothesis|Engineer|[Initial theory]",
			"HH:MM|Additional findings|Engineer|[New information discovered]",
			"HH:MM|Escalation|Manager|[If needed]",
		}
		assertLines(t, got, want)
	})
	t.Run("EventsSortedByTimeWithPhaseOverride", func(t *testing.T) {
		pm := seedDraft()
		late := event(at("01:30"), hindsight.EventNote, "Note", "@a", "late")
		late.Phase = hindsight.PhaseDetection
		pm.Timeline = append([]hindsight.TimelineEvent{late}, pm.Timeline...)
		pm.Timeline = append(pm.Timeline, event(at("00:30"), hindsight.EventAcknowledged, "Detection", "@a", "ack"))
		got := rows(postmortem.NewView(pm), hindsight.PhaseDetection)
		want := []string{
			"00:24|Initial trigger|System|Alert fired: HighAPIErrorRate",
			"00:30|Detection|@a|ack",
			"01:30|Note|@a|late",
			"HH:MM|Initial assessment|Engineer|Confirmed impact scope",
			"HH:MM|Incident declared|On-call|SEV-2 incident opened",
			"HH:MM|First mitigation|Engineer|[Describe action taken]",
		}
		assertLines(t, got, want)
	})
	t.Run("NoTimeline", func(t *testing.T) {
		pm := seedDraft()
		pm.Timeline = nil
		pm.Incident.Severity = ""
		got := rows(postmortem.NewView(pm), hindsight.PhaseDetection)
		if len(got) != 5 || got[0] != "HH:MM|Initial trigger|System|Alert fired: [Alert Name]" || got[3] != "HH:MM|Incident declared|On-call|SEV-X incident opened" {
			t.Errorf("rows = %q, want the seed's five placeholder rows", got)
		}
	})
}

func TestNewView_EmptyNarrativeKeepsPlaceholders(t *testing.T) {
	pm := seedDraft()
	pm.Document.Narrative = hindsight.Narrative{RootCause: "Pool too small"}
	v := postmortem.NewView(pm)
	if v.RootCause != "Pool too small" {
		t.Errorf("RootCause = %q", v.RootCause)
	}
	if v.Impact != "[Customer-facing impact, affected users/services]" || len(v.Whys) != 5 || len(v.Links) != 5 {
		t.Errorf("empty narrative parts must fall back to the seed's placeholders: %+v", v)
	}
}

func TestNewView_UnknownFacts(t *testing.T) {
	pm := seedDraft()
	pm.Incident.Services, pm.Incident.Summary, pm.Document.Author = nil, "", ""
	v := postmortem.NewView(pm)
	if v.Services != "[Which services affected]" || v.Regions != "[Which regions/zones affected]" {
		t.Errorf("Services, Regions = %q, %q", v.Services, v.Regions)
	}
	if v.What != "[Brief description of what happened]" {
		t.Errorf("What = %q", v.What)
	}
	if v.Author != "@author" || v.SignOffs[0].Signer != "@author" {
		t.Errorf("Author = %q, sign-off %+v: want the @author placeholder person", v.Author, v.SignOffs[0])
	}
}

func assertLines(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// TestRender_TypedFiguresWin renders a hand-written post-mortem whose
// figures were typed after Hindsight measured others: the typed ones stay.
func TestRender_TypedFiguresWin(t *testing.T) {
	pm := MustParse(t, mustRead(t, filepath.Join("..", "testdata", "handwritten", "seed-completed.md")))
	if len(pm.Document.Narrative.Figures) == 0 {
		t.Fatal("no typed figures read")
	}
	m := hindsight.Figure{Value: 97.5, Unit: hindsight.UnitPercent, Measured: true}
	pm.Impact = &hindsight.Impact{Availability: m, PeakErrorRate: m, Downtime: hindsight.Figure{Value: 12, Unit: hindsight.UnitMinutes, Measured: true}}
	out := MustRender(t, pm)
	for _, want := range []string{"- **Availability**: 96.1% uptime (SLO: 99.9%)", "- Total downtime: 40 minutes"} {
		if !strings.Contains(out, want) {
			t.Errorf("typed %q replaced:\n%s", want, out)
		}
	}
	if strings.Contains(out, "97.5") {
		t.Errorf("a measured figure overwrote a typed one")
	}
}
