package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/prometheus"
)

// TestService_DocumentLint_ReachesClean takes a post-mortem from the
// generated draft to a clean lint under the default (full) rule set, the
// way people do it: write the narrative, record the events that happened,
// dismiss the template rows that do not apply, add actions. Then it goes to
// review. A placeholder the workflow could never clear would fail here.
func TestService_DocumentLint_ReachesClean(t *testing.T) {
	f := newFixture(t, teststore.SQLiteDSN(t))
	f.svc.Lint = nil // the default: the lint package over the rendered document
	ctx := context.Background()
	id := "INCIDENT-20250930-0024-highapierrorrate"
	end := incidentStart.Add(95 * time.Minute)
	inc := f.mustIncident(t, id, func(inc *hindsight.Incident) {
		inc.Regions = []string{"eu-west-1"}
		inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &end
	})
	n := cleanNarrative()
	for i := range n.RelevantLinks {
		n.RelevantLinks[i].Value = "<https://example.com/" + fmt.Sprint(i) + ">"
	}
	f.mustDraft(t, inc, n)
	// Without Prometheus the impact is stored as "not measured": honest, not a placeholder.
	req := prometheus.Request{Start: inc.StartedAt, End: end, Targets: hindsight.DefaultSLOTargets()}
	ok(t, f.store.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: id, Impact: prometheus.NotConfigured(req, "no Prometheus URL is configured"), ComputedAt: end}))

	for _, e := range []struct {
		after time.Duration
		typ   hindsight.EventType
		event string
	}{
		{-4 * time.Minute, hindsight.EventIssueStarted, "Issue started"},
		{0, hindsight.EventAlertFired, "Initial trigger"},
		{3 * time.Minute, hindsight.EventAcknowledged, "Detection"},
		{20 * time.Minute, hindsight.EventMitigation, "First mitigation"},
		{60 * time.Minute, hindsight.EventFix, "Solution implemented"},
		{95 * time.Minute, hindsight.EventResolved, "Incident resolved"},
	} {
		ok(t, f.svc.AddTimelineEvent(editor, &hindsight.TimelineEvent{IncidentID: id, Time: inc.StartedAt.Add(e.after),
			Type: e.typ, Event: e.event, Actor: "eddie", Action: "Recorded " + e.event}))
	}
	ok(t, f.svc.CreateAction(editor, id, &hindsight.ActionItem{Title: "Alert on the 5xx ratio per instance", Owner: "eddie",
		Horizon: hindsight.HorizonImmediate, Status: hindsight.ActionOpen, Verification: "Alert fires in staging"}))

	findings, err := f.svc.LintPostmortem(ctx, id)
	ok(t, err)
	var keys []string
	pm, err := f.store.FindPostmortem(ctx, id)
	ok(t, err)
	view := postmortem.NewView(*pm)
	for _, table := range view.Timeline {
		for _, r := range table.Rows {
			if r.Placeholder {
				keys = append(keys, r.Key)
			}
		}
	}
	for _, table := range view.Actions {
		for _, r := range table.Rows {
			if r.Placeholder {
				keys = append(keys, r.Key)
			}
		}
	}
	if len(findings) == 0 || len(keys) == 0 {
		t.Fatalf("before dismissing: %d findings, placeholder rows %q; the template's rows should still be there", len(findings), keys)
	}
	for _, k := range keys {
		doc, err := f.store.FindDocument(ctx, id)
		ok(t, err)
		_, err = f.svc.DismissPlaceholder(editor, id, k, doc.Version)
		ok(t, err)
	}
	findings, err = f.svc.LintPostmortem(ctx, id)
	ok(t, err)
	if len(findings) != 0 {
		var b strings.Builder
		for _, fd := range findings {
			fmt.Fprintf(&b, "\n  %s", fd)
		}
		t.Fatalf("a completed post-mortem still has lint findings:%s", b.String())
	}
	if _, err := f.svc.TransitionDocument(editor, id, hindsight.DocUnderReview, ""); err != nil {
		t.Fatalf("submit a clean post-mortem: %v", err)
	}

	t.Run("ErrUnknownKey", func(t *testing.T) {
		_, err := f.svc.DismissPlaceholder(editor, id, "timeline/nowhere/0", 1)
		wantCode(t, err, hindsight.EINVALID, "unknown placeholder row")
	})
}
