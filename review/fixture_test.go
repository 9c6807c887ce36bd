package review_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// fixture is a review service over a real store with a test clock.
type fixture struct {
	store *sqlstore.Store
	svc   *review.Service
	clock *testenv.Clock
}

// incidentStart is when fixture incidents start.
var incidentStart = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// forEachEngine runs fn with a fixture on each engine, as
// testenv.ForEachEngine does.
func forEachEngine(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) { fn(t, newFixture(t, dsn)) })
}

func newFixture(t *testing.T, dsn string) *fixture {
	t.Helper()
	store := teststore.Open(t, dsn)
	c := testenv.NewClock(incidentStart.Add(3 * time.Hour))
	store.Now = c.Now
	svc := review.NewService(store, hindsight.DefaultSignOffPolicy())
	svc.Now = c.Now
	// The state machine is exercised with the narrative rules, which a
	// fixture can satisfy; TestService_DocumentLint covers the default.
	svc.Lint = lint.Narrative(nil)
	return &fixture{store: store, svc: svc, clock: c}
}

// as returns a context authenticated as name with role.
func as(name string, role hindsight.Role) context.Context {
	return hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: name, Role: role, Method: "token"})
}

var (
	author   = as("parallels", hindsight.RoleEditor)
	editor   = as("eddie", hindsight.RoleEditor)
	viewer   = as("vera", hindsight.RoleViewer)
	techLead = as("tess", hindsight.RoleApprover)
	manager  = as("mona", hindsight.RoleApprover)
	director = as("dora", hindsight.RoleApprover)
	approver = as("abe", hindsight.RoleApprover)
)

// mover returns the context allowed to move a document from → to: an
// editor, or an approver where the move needs one.
func mover(from, to hindsight.DocumentStatus) context.Context {
	if from.TransitionRole(to) == hindsight.RoleApprover {
		return approver
	}
	return editor
}

// mustIncident stores an incident and, with a document status, its
// post-mortem draft with a clean narrative.
func (f *fixture) mustIncident(t *testing.T, id string, mutate func(*hindsight.Incident)) *hindsight.Incident {
	t.Helper()
	inc := &hindsight.Incident{ID: id, Title: "HighAPIErrorRate", AlertName: "HighAPIErrorRate", Severity: hindsight.SEV2,
		Status: hindsight.IncidentInvestigating, Summary: "API 5xx error rate exceeded threshold",
		Services: []string{"api"}, StartedAt: incidentStart}
	if mutate != nil {
		mutate(inc)
	}
	if err := f.store.CreateIncident(context.Background(), inc); err != nil {
		t.Fatalf("create incident: %v", err)
	}
	return inc
}

// mustDraft stores a DRAFT post-mortem of inc with narrative n.
func (f *fixture) mustDraft(t *testing.T, inc *hindsight.Incident, n hindsight.Narrative) {
	t.Helper()
	pm := postmortem.NewDraft(*inc, postmortem.DraftOptions{Author: "parallels", Now: f.clock.Now()})
	pm.Document.Narrative = n
	if err := f.store.CreateDocument(context.Background(), &pm.Document); err != nil {
		t.Fatalf("create document: %v", err)
	}
}

// cleanNarrative is the seed's narrative with every placeholder answered.
func cleanNarrative() hindsight.Narrative {
	n := postmortem.PlaceholderNarrative()
	n.Impact, n.RootCause, n.Resolution = "Checkout failed for 4% of users", "A bad deploy", "Rolled back"
	n.DataSources = "None affected"
	for i := range n.Whys {
		n.Whys[i].Answer = "Answered " + n.Whys[i].Question
	}
	for _, l := range []*[]hindsight.Field{&n.BusinessImpact, &n.ContributingFactors, &n.WentWell, &n.CouldImprove,
		&n.TechnicalLessons, &n.ProcessLessons, &n.OrganizationalLessons, &n.Evidence, &n.ExternalCommunication} {
		for i := range *l {
			(*l)[i].Value = "Written down for " + (*l)[i].Label
		}
	}
	return n
}

// signAll signs every role with distinct people.
func (f *fixture) signAll(t *testing.T, id string) {
	t.Helper()
	for _, s := range []struct {
		ctx  context.Context
		role hindsight.SignOffRole
	}{{author, hindsight.RoleAuthor}, {techLead, hindsight.RoleTechnicalReview}, {manager, hindsight.RoleManagementReview}, {director, hindsight.RoleFinalApproval}} {
		if _, err := f.svc.SignOff(s.ctx, id, s.role); err != nil {
			t.Fatalf("sign %s: %v", s.role, err)
		}
	}
}

// mustDocumentAt creates an incident whose post-mortem is at status st,
// reached through the legal path; UNDER REVIEW documents are fully signed.
func (f *fixture) mustDocumentAt(t *testing.T, id string, st hindsight.DocumentStatus) {
	t.Helper()
	inc := f.mustIncident(t, id, nil)
	f.mustDraft(t, inc, cleanNarrative())
	path := []hindsight.DocumentStatus{hindsight.DocUnderReview, hindsight.DocApproved, hindsight.DocArchived}
	from := hindsight.DocDraft
	for _, next := range path {
		if st == hindsight.DocDraft {
			return
		}
		if _, err := f.svc.TransitionDocument(mover(from, next), id, next, ""); err != nil {
			t.Fatalf("%s: %v", next, err)
		}
		if next == hindsight.DocUnderReview {
			f.signAll(t, id)
		}
		if next == st {
			return
		}
		from = next
	}
}

// wantCode fails unless err carries code and, when given, mentions text.
func wantCode(t *testing.T, err error, code, text string) {
	t.Helper()
	if got := hindsight.ErrorCode(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
	if text != "" && !strings.Contains(err.Error(), text) {
		t.Fatalf("error %q does not mention %q", err, text)
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// asLintError returns err as a *hindsight.LintError.
func asLintError(err error) (*hindsight.LintError, bool) {
	var le *hindsight.LintError
	return le, errors.As(err, &le)
}
