package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// reviewAPI is a server with the review API over a real SQLite store and
// one token per role.
type reviewAPI struct {
	t      *testing.T
	store  *sqlstore.Store
	srv    *hhttp.Server
	tokens map[hindsight.Role]string
}

const apiIncident = "INCIDENT-20250930-0024-highapierrorrate"

func newReviewAPI(t *testing.T) *reviewAPI {
	t.Helper()
	store := teststore.SQLite(t)
	now := func() time.Time { return time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC) }
	store.Now = now
	svc := review.NewService(store, hindsight.DefaultSignOffPolicy())
	svc.Now = now
	svc.Lint = lint.Narrative(nil)
	srv := hhttp.NewServer()
	srv.Incidents, srv.Tokens, srv.Review = store, store, svc
	srv.NotificationPrefs = store
	api := &reviewAPI{t: t, store: store, srv: srv, tokens: map[hindsight.Role]string{}}
	for _, r := range hindsight.Roles {
		api.tokens[r] = mustCreateToken(t, store, string(r), r)
	}
	start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	inc := hindsight.Incident{ID: apiIncident, Title: "HighAPIErrorRate", AlertName: "HighAPIErrorRate",
		Severity: hindsight.SEV2, Status: hindsight.IncidentInvestigating, Services: []string{"api"}, StartedAt: start}
	ctx := context.Background()
	if err := store.CreateIncident(ctx, &inc); err != nil {
		t.Fatal(err)
	}
	pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "parallels", Now: start})
	if err := store.CreateDocument(ctx, &pm.Document); err != nil {
		t.Fatal(err)
	}
	return api
}

// do sends a request with the token of role ("" for none) and decodes the
// JSON answer into out when given.
func (a *reviewAPI) do(role hindsight.Role, method, path string, body any, out any) int {
	a.t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if s, ok := body.(string); ok {
			buf.WriteString(s)
		} else if err := json.NewEncoder(&buf).Encode(body); err != nil {
			a.t.Fatal(err)
		}
	}
	r := httptest.NewRequest(method, path, &buf)
	if role != "" {
		r.Header.Set("Authorization", "Bearer "+a.tokens[role])
	}
	w := httptest.NewRecorder()
	a.srv.Handler().ServeHTTP(w, r)
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			a.t.Fatalf("%s %s: %d %s: %v", method, path, w.Code, w.Body, err)
		}
	}
	return w.Code
}

func TestReviewAPI_Authorization(t *testing.T) {
	api := newReviewAPI(t)
	base := "/api/v1/incidents/" + apiIncident
	routes := []struct {
		method, path string
		body         string
		min          hindsight.Role
	}{
		{"POST", base + "/transitions", `{"to":"DRAFT","reason":"x"}`, hindsight.RoleEditor},
		{"POST", base + "/transitions", `{"to":"APPROVED"}`, hindsight.RoleApprover},
		{"POST", base + "/status", `{"to":"UNDER INVESTIGATION"}`, hindsight.RoleEditor},
		{"PUT", base + "/narrative", `{"version":99}`, hindsight.RoleEditor},
		{"GET", base + "/signoffs", "", hindsight.RoleViewer},
		{"POST", base + "/signoffs", `{"role":"author"}`, hindsight.RoleEditor},
		{"POST", base + "/signoffs", `{"role":"technical_review"}`, hindsight.RoleApprover},
		{"GET", base + "/timeline", "", hindsight.RoleViewer},
		{"POST", base + "/timeline", `{}`, hindsight.RoleEditor},
		{"GET", "/api/v1/actions", "", hindsight.RoleViewer},
		{"POST", base + "/actions", `{}`, hindsight.RoleEditor},
		{"PATCH", "/api/v1/actions/999", `{"version":1}`, hindsight.RoleEditor},
		{"GET", base + "/lint", "", hindsight.RoleViewer},
		{"POST", base + "/followup", "", hindsight.RoleEditor},
		{"GET", base + "/revisions", "", hindsight.RoleViewer},
	}
	for _, rt := range routes {
		for _, role := range append([]hindsight.Role{""}, hindsight.Roles...) {
			t.Run(fmt.Sprintf("%s %s %s as %q", rt.method, rt.path, rt.body, role), func(t *testing.T) {
				code := api.do(role, rt.method, rt.path, rt.body, nil)
				switch {
				case role == "" && code != http.StatusUnauthorized:
					t.Fatalf("anonymous got %d, want 401", code)
				case role != "" && !role.Allows(rt.min) && code != http.StatusForbidden:
					t.Fatalf("%s got %d, want 403", role, code)
				case role.Allows(rt.min) && (code == http.StatusUnauthorized || code == http.StatusForbidden):
					t.Fatalf("%s got %d, want access", role, code)
				}
			})
		}
	}
}

// errBody is an error answer, with lint findings when there are any.
type errBody struct {
	Error    string              `json:"error"`
	Code     string              `json:"code"`
	Findings []hindsight.Finding `json:"findings"`
}

func TestReviewAPI_Workflow(t *testing.T) {
	api := newReviewAPI(t)
	base := "/api/v1/incidents/" + apiIncident
	ed, ap := hindsight.RoleEditor, hindsight.RoleApprover

	var refused errBody
	if code := api.do(ed, "POST", base+"/transitions", map[string]string{"to": "UNDER REVIEW"}, &refused); code != http.StatusConflict {
		t.Fatalf("submit with placeholders: %d", code)
	}
	if refused.Code != "conflict" || len(refused.Findings) == 0 || !strings.Contains(refused.Error, "lint found") {
		t.Fatalf("refusal %+v", refused)
	}
	var lint struct {
		Clean    bool                `json:"clean"`
		Findings []hindsight.Finding `json:"findings"`
	}
	if code := api.do(hindsight.RoleViewer, "GET", base+"/lint", nil, &lint); code != 200 || lint.Clean || len(lint.Findings) != len(refused.Findings) {
		t.Fatalf("lint %d %+v", code, lint)
	}

	doc, err := api.store.FindDocument(context.Background(), apiIncident)
	if err != nil {
		t.Fatal(err)
	}
	n := filled(doc.Narrative)
	var upd hindsight.NarrativeUpdate
	if code := api.do(ed, "PUT", base+"/narrative", map[string]any{"narrative": n, "version": doc.Version}, &upd); code != 200 || upd.Document.Version != doc.Version+1 {
		t.Fatalf("narrative put %d %+v", code, upd)
	}
	var stale errBody
	if code := api.do(ed, "PUT", base+"/narrative", map[string]any{"narrative": n, "version": doc.Version}, &stale); code != http.StatusConflict || !strings.Contains(stale.Error, "editor changed narrative") {
		t.Fatalf("stale narrative %d %+v", code, stale)
	}
	if code := api.do(ed, "POST", base+"/transitions", map[string]string{"to": "UNDER REVIEW"}, nil); code != 200 {
		t.Fatalf("submit after fixing: %d", code)
	}
	if code := api.do(ed, "POST", base+"/signoffs", map[string]string{"role": "author"}, nil); code != 201 {
		t.Fatalf("author sign-off %d", code)
	}
	for _, role := range []string{"technical_review", "management_review", "final_approval"} {
		api.tokens[hindsight.Role(role)] = mustCreateToken(t, api.store, role, hindsight.RoleApprover)
		if code := api.do(hindsight.Role(role), "POST", base+"/signoffs", map[string]string{"role": role}, nil); code != 201 {
			t.Fatalf("%s sign-off %d", role, code)
		}
	}
	var signOffs struct {
		Items []hindsight.SignOff `json:"items"`
		Total int                 `json:"total"`
	}
	if code := api.do(hindsight.RoleViewer, "GET", base+"/signoffs", nil, &signOffs); code != 200 || signOffs.Total != 4 || signOffs.Items[3].Signer != "final_approval" {
		t.Fatalf("sign-offs %d %+v", code, signOffs)
	}
	var approved hindsight.Document
	if code := api.do(ap, "POST", base+"/transitions", map[string]string{"to": "APPROVED"}, &approved); code != 200 || approved.Status != hindsight.DocApproved {
		t.Fatalf("approve %d %+v", code, approved)
	}
	var timeline struct {
		Items []hindsight.TimelineEvent `json:"items"`
	}
	api.do(hindsight.RoleViewer, "GET", base+"/timeline", nil, &timeline)
	for _, e := range timeline.Items {
		// Review bookkeeping is history and the review panel, not an
		// event of the incident.
		if strings.Contains(e.Action, "UNDER REVIEW") || strings.Contains(e.Action, "APPROVED") {
			t.Fatalf("review step in the incident's timeline: %+v", e)
		}
	}
	var revs struct {
		Items  []hindsight.Revision `json:"items"`
		Total  int                  `json:"total"`
		Offset int                  `json:"offset"`
		Limit  int                  `json:"limit"`
	}
	if code := api.do(hindsight.RoleViewer, "GET", base+"/revisions?offset=1&limit=2", nil, &revs); code != 200 || len(revs.Items) != 2 || revs.Offset != 1 || revs.Limit != 2 || revs.Total < 9 {
		// 9: the incident, its document's creation and each of its
		// changes, and the sign-offs (review steps are no timeline events).
		t.Fatalf("revisions %d: %d items, offset %d, limit %d, total %d", code, len(revs.Items), revs.Offset, revs.Limit, revs.Total)
	}
}

// filled returns n with every placeholder answered.
func filled(n hindsight.Narrative) hindsight.Narrative {
	n.Impact, n.RootCause, n.Resolution, n.DataSources = "Checkout failed", "Bad deploy", "Rollback", "None"
	for i := range n.Whys {
		n.Whys[i].Answer = "Because " + n.Whys[i].Question
	}
	for _, l := range []*[]hindsight.Field{&n.BusinessImpact, &n.ContributingFactors, &n.WentWell, &n.CouldImprove,
		&n.TechnicalLessons, &n.ProcessLessons, &n.OrganizationalLessons, &n.Evidence, &n.ExternalCommunication} {
		for i := range *l {
			(*l)[i].Value = "Noted: " + (*l)[i].Label
		}
	}
	return n
}

func TestReviewAPI_Actions(t *testing.T) {
	api := newReviewAPI(t)
	base := "/api/v1/incidents/" + apiIncident
	ed := hindsight.RoleEditor
	var a hindsight.ActionItem
	if code := api.do(ed, "POST", base+"/actions", map[string]string{"title": "Fix alert", "owner": "@ana", "horizon": "medium", "verification": "alert fires in staging"}, &a); code != 201 {
		t.Fatalf("create %d", code)
	}
	if a.DueDate.Format("2006-01-02") != "2025-10-30" || a.Status != hindsight.ActionOpen {
		t.Fatalf("created %+v", a)
	}
	var b hindsight.ActionItem
	api.do(ed, "POST", base+"/actions", map[string]string{"title": "Runbook", "owner": "@bo", "due_date": "2025-12-01"}, &b)
	var bad errBody
	if code := api.do(ed, "PATCH", fmt.Sprintf("/api/v1/actions/%d", a.ID), map[string]any{"version": a.Version, "status": "wont_do"}, &bad); code != 400 || !strings.Contains(bad.Error, "status_reason") {
		t.Fatalf("wont_do without reason: %d %+v", code, bad)
	}
	var done hindsight.ActionItem
	if code := api.do(ed, "PATCH", fmt.Sprintf("/api/v1/actions/%d", a.ID), map[string]any{"version": a.Version, "status": "done"}, &done); code != 200 || done.CompletedAt == nil {
		t.Fatalf("done %d %+v", code, done)
	}
	if code := api.do(ed, "PATCH", fmt.Sprintf("/api/v1/actions/%d", a.ID), map[string]any{"version": a.Version, "owner": "@cy"}, &bad); code != 409 {
		t.Fatalf("stale patch %d", code)
	}
	var page struct {
		Items  []hindsight.ActionItem `json:"items"`
		Total  int                    `json:"total"`
		Offset int                    `json:"offset"`
		Limit  int                    `json:"limit"`
	}
	if code := api.do(hindsight.RoleViewer, "GET", "/api/v1/actions?overdue=true", nil, &page); code != 200 || page.Total != 0 {
		t.Fatalf("overdue %d %+v", code, page)
	}
	if code := api.do(hindsight.RoleViewer, "GET", "/api/v1/actions?owner=@bo&limit=1", nil, &page); code != 200 || page.Total != 1 || page.Items[0].Title != "Runbook" || page.Limit != 1 {
		t.Fatalf("owner %d %+v", code, page)
	}
	if code := api.do(hindsight.RoleViewer, "GET", "/api/v1/actions?status=later", nil, &bad); code != 400 {
		t.Fatalf("bad status %d", code)
	}
	var fu errBody
	if code := api.do(ed, "POST", base+"/followup", nil, &fu); code != 409 || !strings.Contains(fu.Error, "resolve it first") {
		t.Fatalf("follow-up of an open incident %d %+v", code, fu)
	}
	var inc hindsight.Incident
	if code := api.do(ed, "POST", base+"/status", map[string]string{"to": "RESOLVED"}, &inc); code != 200 || inc.ResolvedAt == nil {
		t.Fatalf("resolve %d %+v", code, inc)
	}
	var f hindsight.FollowUp
	if code := api.do(ed, "POST", base+"/followup", nil, &f); code != 200 || f.CompletionRate == nil || *f.CompletionRate != 50 {
		t.Fatalf("follow-up %d %+v", code, f)
	}
}
