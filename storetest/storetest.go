// Package storetest is the conformance suite that every Hindsight store must
// pass. A store's own tests call Run with a function that opens a fresh,
// empty store for each test.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// OpenFunc returns a new, empty, migrated store; it registers its own cleanup
// with t.Cleanup.
type OpenFunc func(t *testing.T) hindsight.Store

// Run runs the whole suite against the stores that open returns.
func Run(t *testing.T, open OpenFunc) {
	t.Run("IncidentService", func(t *testing.T) { testIncidents(t, open) })
	t.Run("DocumentService", func(t *testing.T) { testDocuments(t, open) })
	t.Run("TimelineService", func(t *testing.T) { testTimeline(t, open) })
	t.Run("ActionService", func(t *testing.T) { testActions(t, open) })
	t.Run("SignOffService", func(t *testing.T) { testSignOffs(t, open) })
	t.Run("RevisionService", func(t *testing.T) { testRevisions(t, open) })
	t.Run("CreationRevisions", func(t *testing.T) { testCreationRevisions(t, open) })
	t.Run("DerivedCreations", func(t *testing.T) { testDerivedCreations(t, open) })
	t.Run("SearchService", func(t *testing.T) { testSearch(t, open) })
	t.Run("SearchBounds", func(t *testing.T) { testSearchBounds(t, open) })
	t.Run("AlertService", func(t *testing.T) { testAlerts(t, open) })
	t.Run("NotificationBodies", func(t *testing.T) { testNotificationBodies(t, open) })
	t.Run("TokenService", func(t *testing.T) { testTokens(t, open) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, open) })
	t.Run("Backup", func(t *testing.T) { testBackup(t, open) })
	t.Run("ImpactService", func(t *testing.T) { testImpacts(t, open) })
	t.Run("ChangeService", func(t *testing.T) { testChanges(t, open) })
	t.Run("PersonService", func(t *testing.T) { testPeople(t, open) })
	t.Run("AcknowledgementService", func(t *testing.T) { testAcknowledgements(t, open) })
}

// T0 is the start of the fixture incidents.
var T0 = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// NewIncident returns a valid incident started n hours after T0.
func NewIncident(n int, title string, services ...string) *hindsight.Incident {
	start := T0.Add(time.Duration(n) * time.Hour)
	if services == nil {
		services = []string{"api"}
	}
	return &hindsight.Incident{
		ID:          hindsight.IncidentID(start, title),
		Title:       title,
		AlertName:   title,
		Severity:    hindsight.SEV2,
		Status:      hindsight.IncidentInvestigating,
		Summary:     "Elevated error rate on " + strings.Join(services, ", "),
		Description: "The error ratio exceeded 5% for 5 minutes.",
		Services:    services,
		Regions:     []string{"eu-west-1"},
		Labels:      map[string]string{"alertname": title, "severity": "critical"},
		Links:       []hindsight.Link{{Kind: hindsight.LinkRunbook, URL: "https://runbooks.example/" + title}},
		StartedAt:   start,
	}
}

// MustCreateIncident stores inc or fails the test.
func MustCreateIncident(tb testing.TB, s hindsight.Store, inc *hindsight.Incident) *hindsight.Incident {
	tb.Helper()
	if err := s.CreateIncident(context.Background(), inc); err != nil {
		tb.Fatalf("CreateIncident(%s): %v", inc.ID, err)
	}
	return inc
}

// NewEvent returns a valid timeline event of an incident.
func NewEvent(incidentID string, at time.Time, action string) *hindsight.TimelineEvent {
	return &hindsight.TimelineEvent{IncidentID: incidentID, Time: at, Type: hindsight.EventNote, Event: "Note", Actor: "On-call", Action: action}
}

// NewAction returns a valid open action item of an incident.
func NewAction(incidentID, title, owner string, due time.Time) *hindsight.ActionItem {
	return &hindsight.ActionItem{IncidentID: incidentID, Title: title, Owner: owner, Horizon: hindsight.HorizonImmediate,
		DueDate: due, Status: hindsight.ActionOpen, Verification: "Alert stays quiet for a week"}
}

// as returns a context acting as actor.
func as(actor string) context.Context {
	return hindsight.NewContextWithActor(context.Background(), actor)
}

// wantCode fails the test unless err carries code.
func wantCode(tb testing.TB, err error, code string) *hindsight.Error {
	tb.Helper()
	if got := hindsight.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
	var e *hindsight.Error
	errors.As(err, &e)
	return e
}

// wantFields fails the test unless err is EINVALID naming exactly fields.
func wantFields(tb testing.TB, err error, fields ...string) {
	tb.Helper()
	e := wantCode(tb, err, hindsight.EINVALID)
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Field)
	}
	if fmt.Sprint(got) != fmt.Sprint(fields) {
		tb.Fatalf("invalid fields = %v, want %v (err: %v)", got, fields, err)
	}
}

// ok fails the test on a non-nil error.
func ok(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
