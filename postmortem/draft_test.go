package postmortem_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func TestNewDraft(t *testing.T) {
	now := seedStart.Add(3 * time.Minute)
	pm := postmortem.NewDraft(seedIncident(), postmortem.DraftOptions{Author: "@parallels", Version: "1.2.0", Now: now})

	t.Run("Document", func(t *testing.T) {
		doc := pm.Document
		want := hindsight.Document{
			IncidentID:     "INCIDENT-20250930-0024-highapierrorrate",
			Status:         hindsight.DocDraft,
			Author:         "parallels",
			Generator:      "hindsight 1.2.0",
			GeneratedAt:    now,
			Narrative:      postmortem.PlaceholderNarrative(),
			NextReviewDate: time.Date(2026, 3, 30, 0, 24, 0, 0, time.UTC),
			Version:        1,
			UpdatedAt:      now,
			UpdatedBy:      "parallels",
		}
		if !reflect.DeepEqual(doc, want) {
			t.Errorf("Document = %+v\nwant %+v", doc, want)
		}
	})
	t.Run("Incident", func(t *testing.T) {
		if pm.Incident.ID != "INCIDENT-20250930-0024-highapierrorrate" {
			t.Errorf("ID = %q", pm.Incident.ID)
		}
		if pm.Incident.Status != hindsight.IncidentInvestigating {
			t.Errorf("Status = %q, want UNDER INVESTIGATION", pm.Incident.Status)
		}
	})
	t.Run("Timeline", func(t *testing.T) {
		want := []hindsight.TimelineEvent{{
			IncidentID: "INCIDENT-20250930-0024-highapierrorrate",
			Time:       seedStart, Type: hindsight.EventAlertFired,
			Event: "Initial trigger", Actor: "System", Action: "Alert fired: HighAPIErrorRate",
			Source: "user", CreatedAt: now,
		}}
		if !reflect.DeepEqual(pm.Timeline, want) {
			t.Errorf("Timeline = %+v\nwant %+v", pm.Timeline, want)
		}
		if err := pm.Timeline[0].Validate(); err != nil {
			t.Error(err)
		}
	})
	t.Run("DefaultSLO", func(t *testing.T) {
		if pm.SLO != hindsight.DefaultSLOTargets() {
			t.Errorf("SLO = %+v, want the defaults", pm.SLO)
		}
	})
	t.Run("Narrative", func(t *testing.T) {
		n := pm.Document.Narrative
		if n.Impact != "[Customer-facing impact, affected users/services]" {
			t.Errorf("Impact = %q", n.Impact)
		}
		if len(n.Whys) != 5 || n.Whys[0].Answer != "[Direct cause]" || n.Whys[4].Question != "Why did we have that condition?" {
			t.Errorf("Whys = %+v", n.Whys)
		}
		labels := []string{}
		for _, f := range n.ContributingFactors {
			labels = append(labels, f.Label)
		}
		if !reflect.DeepEqual(labels, []string{"Technical", "Process", "Human", "External"}) {
			t.Errorf("contributing factor labels = %q", labels)
		}
	})
}

func TestNewDraft_Options(t *testing.T) {
	inc := seedIncident()
	inc.ID = "INCIDENT-KEPT"
	inc.Title, inc.AlertName = "Disk full on db-1", ""
	inc.GroupKey = "{}:{alertname=\"DiskFull\"}"
	slo := hindsight.DefaultSLOTargets()
	slo.Availability = 99.5
	pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Generator: "custom 9", Now: seedStart, SLO: slo})

	if pm.Incident.ID != "INCIDENT-KEPT" {
		t.Errorf("an incident's own ID must be kept, got %q", pm.Incident.ID)
	}
	if pm.Document.Author != "parallels" {
		t.Errorf("Author = %q, want the incident's author", pm.Document.Author)
	}
	if pm.Document.Generator != "custom 9" {
		t.Errorf("Generator = %q", pm.Document.Generator)
	}
	if pm.SLO.Availability != 99.5 {
		t.Errorf("SLO = %+v, want the given targets", pm.SLO)
	}
	if e := pm.Timeline[0]; e.Action != "Alert fired: Disk full on db-1" || e.Source != "alertmanager" {
		t.Errorf("first event = %+v", e)
	}
	if got := postmortem.NewDraft(inc, postmortem.DraftOptions{}).Document.Generator; got != "hindsight dev" {
		t.Errorf("default Generator = %q, want hindsight dev", got)
	}
}
