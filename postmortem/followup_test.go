package postmortem_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func TestRender_FollowUp(t *testing.T) {
	start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	pm := postmortem.NewDraft(hindsight.Incident{Title: "HighAPIErrorRate", Severity: hindsight.SEV2, StartedAt: start},
		postmortem.DraftOptions{Author: "parallels", Now: start})
	render := func() string {
		var buf bytes.Buffer
		if err := postmortem.Render(&buf, pm, nil); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	placeholders := "- [ ] Similar incidents prevented: X\n- [ ] Detection time improved by: X%\n" +
		"- [ ] Recovery time improved by: X%\n- [ ] Action items completion rate: X%\n"
	if !strings.Contains(render(), placeholders) {
		t.Fatal("the seed's follow-up placeholders are missing before the follow-up is computed")
	}
	detect, rate := 60.0, 66.7
	pm.FollowUp = &hindsight.FollowUp{
		ComputedAt:           start.AddDate(0, 1, 0),
		Similar:              []hindsight.SimilarIncident{{ID: "INCIDENT-A"}, {ID: "INCIDENT-B"}},
		DetectionImprovement: &detect, CompletionRate: &rate, ActionsDone: 2, ActionsCounted: 3,
	}
	voided := start.Add(time.Hour)
	pm.SignOffs = []hindsight.SignOff{{Role: hindsight.RoleAuthor, Signer: "parallels", SignedAt: &voided, VoidedAt: &voided, VoidedReason: "narrative changed after sign-off: root_cause"}}
	got := render()
	want := "- [x] Similar incidents since resolution: 2 (INCIDENT-A, INCIDENT-B)\n" +
		"- [x] Detection time improved by: 60%\n" +
		"- [x] Recovery time improved by: n/a (no time to resolve to compare)\n" +
		"- [x] Action items completion rate: 66.7% (2 of 3 done)\n"
	if !strings.Contains(got, want) {
		t.Fatalf("follow-up lines missing:\n%s", got[strings.Index(got, "### Follow-up"):])
	}
	if !strings.Contains(got, "- **Author**: @parallels (Date: TBD) (voided: narrative changed after sign-off: root_cause)\n") {
		t.Fatalf("voided sign-off not shown:\n%s", got[strings.Index(got, "### Review and Approval"):])
	}
}
