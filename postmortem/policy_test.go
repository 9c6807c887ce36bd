package postmortem_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// TestPolicy: the intake drafts from the configured severity on, by the
// configured author, dated when the incident was created; rendering shows
// the objectives the policy gives the incident's service.
func TestPolicy(t *testing.T) {
	created := time.Date(2026, 11, 27, 5, 35, 29, 0, time.UTC)
	slo := hindsight.DefaultSLOTargets()
	slo.Availability = 99.5
	p := postmortem.Policy{
		SLOFor: func(inc *hindsight.Incident) hindsight.SLOTargets {
			if inc.PrimaryService() == "checkout" {
				return slo
			}
			return hindsight.DefaultSLOTargets()
		},
		DraftMinSeverity: hindsight.SEV2, Author: "oncall-bot", Version: "1.2.3",
		Now: func() time.Time { return created.Add(time.Hour) },
	}
	inc := hindsight.Incident{ID: "INCIDENT-20261127-0535-onlyalertname", Title: "OnlyAlertname", AlertName: "OnlyAlertname",
		Severity: hindsight.SEV3, Status: hindsight.IncidentInvestigating, StartedAt: created, CreatedAt: created}
	if doc := p.AlertDraft(inc); doc != nil {
		t.Errorf("SEV3 below a SEV2 threshold got a draft: %+v", doc)
	}
	inc.Severity = hindsight.SEV2
	doc := p.AlertDraft(inc)
	if doc == nil {
		t.Fatal("SEV2 at a SEV2 threshold got no draft")
	}
	if doc.Author != "oncall-bot" || !doc.GeneratedAt.Equal(created) {
		t.Errorf("draft by %q at %v, want oncall-bot at %v", doc.Author, doc.GeneratedAt, created)
	}
	inc.CreatedAt = time.Time{}
	if d := p.Draft(inc, "ana"); d.Author != "ana" || !d.GeneratedAt.Equal(created.Add(time.Hour)) {
		t.Errorf("draft of an incident not created yet: by %q at %v, want ana at the policy's now", d.Author, d.GeneratedAt)
	}
	inc.Services = []string{"checkout", "api"}
	pm := hindsight.Postmortem{Incident: inc, Document: *doc}
	var out bytes.Buffer
	if err := p.Render(&out, pm); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "99.5%") {
		t.Errorf("render does not show checkout's 99.5%% objective:\n%s", out.String())
	}
}
