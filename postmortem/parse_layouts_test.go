package postmortem_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// action is what a test expects of an imported action item.
type action struct {
	title, owner, tracker, due string
	status                     hindsight.ActionStatus
}

func actionsOf(pm hindsight.Postmortem) []action {
	var out []action
	for _, a := range pm.Actions {
		due := ""
		if !a.DueDate.IsZero() {
			due = a.DueDate.Format("2006-01-02")
		}
		out = append(out, action{a.Title, a.Owner, a.TrackerURL, due, a.Status})
	}
	return out
}

// TestParse_HandwrittenLayouts reads the hand-written documents in other
// layouts: action tables and checklists become action items with owner,
// tracker link and status; timelines become events.
func TestParse_HandwrittenLayouts(t *testing.T) {
	dir := filepath.Join("..", "testdata", "handwritten")
	tests := []struct {
		file     string
		summary  string
		actions  []action
		timeline []string
	}{
		{"google-sre.md", "Image resizing was down for 52 minutes", []action{
			{"Update playbook with steps for a resizer overload (Type: mitigate; Bug: n/a **DONE**)", "jdoe", "", "", hindsight.ActionDone},
			{"Pre-render every configured size before it goes live (Type: prevent; Bug: [IMG-412](https://bugs.example.com/IMG-412) **TODO**)", "asmith", "https://bugs.example.com/IMG-412", "", hindsight.ActionOpen},
			{"Load test new sizes in staging (Type: prevent; Bug: IMG-413 **TODO**)", "asmith", "", "", hindsight.ActionOpen},
			{"Schedule a review of marketing sends with on-call (Type: process; Bug: IMG-414 **TODO**)", "kwan", "", "", hindsight.ActionOpen},
		}, []string{"14:00", "14:04", "14:06", "14:19", "14:31", "14:44", "14:56"}},
		{"pagerduty.md", "Between 09:12 and 10:03 UTC", []action{
			{"Fail over on provider-side queuing, not just errors (MSG-88)", "@marek", "https://jira.example.com/browse/MSG-88", "", hindsight.ActionOpen},
			{"Lower the queue-age alert to 5 minutes (MSG-89)", "@olu", "", "", hindsight.ActionOpen},
			{"Add the provider status API to the runbook", "@priya", "", "", hindsight.ActionDone},
		}, []string{"09:12", "09:27", "09:31", "09:45", "09:51", "10:03"}},
		{"freeform.md", "", []action{
			{"Raise the worker pool to 32", "@dana", "", "", hindsight.ActionDone},
			{"Alert on webhook queue age over 2 minutes", "@lee", "https://tracker.example.com/OPS-991", "", hindsight.ActionOpen},
			{"Per-merchant timeout of 5s", "sam", "", "2025-02-20", hindsight.ActionOpen},
		}, []string{"09:15", "09:32", "09:40", "09:58"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pm := MustParse(t, mustRead(t, filepath.Join(dir, tt.file)))
			if !strings.HasPrefix(pm.Incident.Summary, tt.summary) {
				t.Errorf("summary %q, want it to start with %q", pm.Incident.Summary, tt.summary)
			}
			got := actionsOf(pm)
			if len(got) != len(tt.actions) {
				t.Fatalf("actions %+v, want %+v", got, tt.actions)
			}
			for i := range got {
				if got[i] != tt.actions[i] {
					t.Errorf("action %d = %+v, want %+v", i, got[i], tt.actions[i])
				}
			}
			var times []string
			for _, e := range pm.Timeline {
				times = append(times, e.Time.Format("15:04"))
			}
			if strings.Join(times, " ") != strings.Join(tt.timeline, " ") {
				t.Errorf("timeline %v, want %v", times, tt.timeline)
			}
			if tt.file == "pagerduty.md" && !extraHolds(pm, "## What Happened", "A routine provider-side change") {
				t.Errorf("What Happened is neither mapped nor kept: %+v", pm.Document.Narrative.Extra)
			}
			for _, x := range pm.Document.Narrative.Extra {
				if strings.Contains(x.Body, "- [ ]") {
					t.Errorf("section %q keeps a checklist that became action items:\n%s", x.Heading, x.Body)
				}
			}
		})
	}
}

// extraHolds reports whether a kept section has the heading and text.
func extraHolds(pm hindsight.Postmortem, heading, text string) bool {
	for _, x := range pm.Document.Narrative.Extra {
		if x.Heading == heading && strings.Contains(x.Body, text) {
			return true
		}
	}
	return false
}
