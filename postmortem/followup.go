package postmortem

import (
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// FollowUpView is the computed "Follow-up Metrics (30 days post-incident)":
// four ready lines, present only once the follow-up is computed.
type FollowUpView struct {
	// Similar is the number of similar incidents since the resolution, with
	// their IDs: "2 (INCIDENT-…, INCIDENT-…)", or "0".
	Similar string
	// Detection and Recovery are how much shorter the similar incidents'
	// mean time to detect and to resolve was: "60%", "-25%" when they took
	// longer, or "n/a (…)" when a time is unknown.
	Detection, Recovery string
	// Completion is the action-item completion rate: "66.7% (2 of 3 done)".
	Completion string
	// ComputedAt is the date of the computation: 2025-10-30.
	ComputedAt string
}

// followUpView formats a computed follow-up; nil stays nil.
func followUpView(f *hindsight.FollowUp) *FollowUpView {
	if f == nil {
		return nil
	}
	ids := make([]string, len(f.Similar))
	for i, s := range f.Similar {
		ids[i] = s.ID
	}
	v := &FollowUpView{
		Similar:    fmt.Sprint(len(f.Similar)),
		Detection:  percentOr(f.DetectionImprovement, "n/a (no time to detect to compare)"),
		Recovery:   percentOr(f.RecoveryImprovement, "n/a (no time to resolve to compare)"),
		Completion: "n/a (no action items)",
		ComputedAt: f.ComputedAt.UTC().Format(dateLayout),
	}
	if len(ids) > 0 {
		v.Similar += " (" + strings.Join(ids, ", ") + ")"
	}
	if f.CompletionRate != nil {
		v.Completion = fmt.Sprintf("%s (%d of %d done)", FormatNumber(*f.CompletionRate, 1)+"%", f.ActionsDone, f.ActionsCounted)
	}
	return v
}

func percentOr(p *float64, none string) string {
	if p == nil {
		return none
	}
	return FormatNumber(*p, 1) + "%"
}
