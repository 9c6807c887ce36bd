package postmortem_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func TestRender_DismissedPlaceholders(t *testing.T) {
	pm := seedDraft()
	before := MustRender(t, pm)
	pm.Document.Narrative.Dismissed = []string{
		postmortem.TimelinePlaceholderKey(hindsight.PhaseInvestigation, 3), // Escalation | Manager
		postmortem.TimelinePlaceholderKey(hindsight.PhaseResolution, 3),    // Post-incident
		postmortem.ActionPlaceholderKey(hindsight.HorizonLong, 0),
		postmortem.ActionPlaceholderKey(hindsight.HorizonLong, 1),
	}
	after := MustRender(t, pm)
	for _, gone := range []string{"| HH:MM | Escalation | Manager | [If needed] |", "| HH:MM | Post-incident | Team |", "[Architecture change]", "[Tool implementation]"} {
		if !strings.Contains(before, gone) {
			t.Fatalf("the draft lacks %q before dismissal", gone)
		}
		if strings.Contains(after, gone) {
			t.Errorf("dismissed row %q is still rendered", gone)
		}
	}
	if !strings.Contains(after, "| HH:MM | Escalation | On-call | Engaged [Team/SME] |") {
		t.Error("the other escalation placeholder went too")
	}
	if !strings.Contains(after, "### Long-term Actions (Complete within 1 quarter)\n\n| Action Item | Owner | Due Date | Status | Verification |\n|-------------|-------|----------|--------|--------------|\n\n") {
		t.Errorf("a horizon with every placeholder dismissed should keep its table header only:\n%s", after)
	}

	t.Run("RoundTrip", func(t *testing.T) {
		parsed := MustParse(t, []byte(after))
		got := slices.Clone(parsed.Document.Narrative.Dismissed)
		want := slices.Clone(pm.Document.Narrative.Dismissed)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("parsed dismissed = %q, want %q", got, want)
		}
		if again := MustRender(t, parsed); trimLines(again) != trimLines(after) {
			t.Fatalf("render(parse(doc)) differs from doc:\n%s", again)
		}
	})
	t.Run("RecordedEventStillUsesUpItsRow", func(t *testing.T) {
		pm := pm
		pm.Timeline = append(slices.Clone(pm.Timeline), hindsight.TimelineEvent{
			Time: pm.Incident.StartedAt.Add(600e9), Type: hindsight.EventEscalation, Event: "Escalation", Actor: "On-call", Action: "Engaged DBA",
		})
		out := MustRender(t, pm)
		if strings.Contains(out, "Engaged [Team/SME]") || !strings.Contains(out, "| 00:34 | Escalation | On-call | Engaged DBA |") {
			t.Fatalf("the recorded escalation did not take the remaining placeholder's place:\n%s", out)
		}
	})
	if postmortem.ValidPlaceholderKey("timeline/detection/9") || !postmortem.ValidPlaceholderKey("actions/medium/2") {
		t.Error("ValidPlaceholderKey is wrong")
	}
}
