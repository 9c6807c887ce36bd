package postmortem

import (
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// FollowUpSinceApproval returns, as Markdown, the part of a closed
// post-mortem that changed after its approval: the action items whose
// status, tracker link or verification moved on, and the incidents opened
// since as recurrences. It is shown after the approved document, clearly
// apart from it, and never changes the approved Markdown itself; "" when
// nothing changed or the post-mortem is not closed.
func FollowUpSinceApproval(pm hindsight.Postmortem, recurrences []string) string {
	actions := pm.ChangedSinceApproval()
	if !pm.Document.Closed() || (len(actions) == 0 && len(recurrences) == 0) {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n---\n\n## Follow-up since approval\n\n")
	if at := pm.Document.ApprovedAt; at != nil {
		fmt.Fprintf(&b, "*Not part of the document approved on %s: what changed since.*\n\n", at.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if len(actions) > 0 {
		b.WriteString("| Action | Owner | Status | Tracker | Verification | Updated |\n|--------|-------|--------|---------|--------------|---------|\n")
		for _, a := range actions {
			status := string(a.Status)
			if a.StatusReason != "" {
				status += ": " + a.StatusReason
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", EscapeCell(a.Title), EscapeCell(Handle(a.Owner)), EscapeCell(status),
				EscapeCell(a.TrackerURL), EscapeCell(a.Verification), a.UpdatedAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		b.WriteString("\n")
	}
	if len(recurrences) > 0 {
		fmt.Fprintf(&b, "**Recurrences**: %s\n", strings.Join(recurrences, ", "))
	}
	return b.String()
}

// DistributionSinceApproval shows when each entry of a closed post-mortem's
// Distribution List was sent, apart from the record and under it: the
// record keeps its list as approved.
func DistributionSinceApproval(pm hindsight.Postmortem, ticks []hindsight.DistributionTick) string {
	if !pm.Document.Closed() || len(ticks) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n---\n\n## Distribution since approval\n\n*Not part of the approved document: when each entry of its Distribution List was sent.*\n\n")
	for _, t := range ticks {
		mark, status := " ", t.Note
		if t.SentAt != nil {
			mark, status = "x", "sent "+t.SentAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		var via []string
		for _, d := range t.Deliveries {
			via = append(via, strings.TrimPrefix(d.Channel, "slack:"))
		}
		if len(via) > 0 {
			status += " (" + strings.Join(via, ", ") + ")"
		}
		fmt.Fprintf(&b, "- [%s] %s: %s\n", mark, EscapeCell(t.Label), EscapeCell(status))
	}
	return b.String()
}
