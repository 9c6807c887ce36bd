package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/review"
)

// bareAlert is a hand-written notification of an alert that carries only
// its name: no region, summary, service or severity label.
func bareAlert(status string, startsAt, endsAt time.Time) []byte {
	end := "0001-01-01T00:00:00Z"
	if status == "resolved" {
		end = endsAt.UTC().Format(time.RFC3339)
	}
	return []byte(fmt.Sprintf(`{"version":"4","status":%q,"receiver":"hindsight","groupKey":"{}:{alertname=\"DiskAlmostFull\"}",
"groupLabels":{"alertname":"DiskAlmostFull"},"commonLabels":{"alertname":"DiskAlmostFull"},"commonAnnotations":{},
"externalURL":"http://alertmanager:9093","alerts":[{"status":%q,"labels":{"alertname":"DiskAlmostFull"},"annotations":{},
"startsAt":%q,"endsAt":%q,"generatorURL":"","fingerprint":"d15cf0110000beef"}]}`,
		status, status, startsAt.UTC().Format(time.RFC3339), end))
}

// recordEnv is a running server with tokens for each role and the
// incident whose post-mortem the test approves.
type recordEnv struct {
	m      *Main
	prom   string
	tokens map[string]string
	id     string
}

// call sends a JSON request as the token named who and returns the status
// and body.
func (e *recordEnv) call(t *testing.T, who, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.m.URL()+path, r)
	req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// markdown returns the approved incident's Markdown as served.
func (e *recordEnv) markdown(t *testing.T) []byte {
	t.Helper()
	code, b := e.call(t, "viewer", http.MethodGet, "/api/v1/incidents/"+e.id+"/postmortem.md", nil)
	if code != http.StatusOK {
		t.Fatalf("GET postmortem.md: %d %s", code, b)
	}
	return b
}

// newRecordEnv starts a server, opens an incident from a bare alert,
// resolves it, measures its impact, and approves its post-mortem with four
// different signers. Lint is not what this test is about: it is replaced
// by one that finds nothing, so that the narrative can stay short.
func newRecordEnv(t *testing.T, dsn string) *recordEnv {
	prom := testenv.StartFakePrometheus(t)
	m := MustRunMain(t, dsn, func(m *Main) {
		m.Config.Prometheus.URL = prom.URL
		m.ImpactInterval = time.Hour // passes run when the test says
	})
	e := &recordEnv{m: m, prom: prom.URL, tokens: map[string]string{}}
	for _, who := range []string{"viewer", "editor", "approver", "tess", "mona", "dora"} {
		role := map[string]hindsight.Role{"viewer": hindsight.RoleViewer, "editor": hindsight.RoleEditor}[who]
		if role == "" {
			role = hindsight.RoleApprover
		}
		secret, _ := hindsight.NewToken()
		if err := m.Store.CreateToken(context.Background(), &hindsight.APIToken{Name: who, Role: string(role), Hash: hindsight.HashToken(secret)}); err != nil {
			t.Fatal(err)
		}
		e.tokens[who] = secret
	}
	start := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Second)
	for _, body := range [][]byte{bareAlert("firing", start, time.Time{}), bareAlert("resolved", start, start.Add(time.Minute))} {
		if code, b, err := postWebhook(m.URL(), bytes.NewReader(body)); err != nil || code != http.StatusOK {
			t.Fatalf("webhook: %d %s %v", code, b, err)
		}
	}
	incs, _, err := m.Store.FindIncidents(context.Background(), hindsight.IncidentFilter{})
	if err != nil || len(incs) != 1 || incs[0].Status != hindsight.IncidentResolved {
		t.Fatalf("incidents %v %v", incs, err)
	}
	e.id = incs[0].ID
	if code, b := e.call(t, "editor", http.MethodPost, "/api/v1/incidents/"+e.id+"/impact", nil); code != http.StatusOK {
		t.Fatalf("impact before approval: %d %s", code, b)
	}
	svc := m.Server.Review.(*review.Service)
	svc.Lint = func(context.Context, hindsight.Postmortem) ([]hindsight.Finding, error) { return nil, nil }
	base := "/api/v1/incidents/" + e.id
	code, b := e.call(t, "editor", http.MethodPatch, base, map[string]any{"version": incs[0].Version, "summary": "Disk of db-1 filled up",
		"services": []string{"database"}, "regions": []string{"eu-west-1"}, "severity": "SEV2"})
	if code != http.StatusOK {
		t.Fatalf("PATCH incident: %d %s", code, b)
	}
	if code, b = e.call(t, "editor", http.MethodPost, base+"/actions", map[string]string{"title": "Alert at 80 % disk", "owner": "@ana", "verification": "fires in staging"}); code != http.StatusCreated {
		t.Fatalf("action: %d %s", code, b)
	}
	// Without a severity label the alert maps below draft_min_severity:
	// the post-mortem is asked for.
	if code, b = e.call(t, "editor", http.MethodPost, base+"/postmortem", nil); code != http.StatusCreated {
		t.Fatalf("create post-mortem: %d %s", code, b)
	}
	if code, b = e.call(t, "editor", http.MethodPost, base+"/postmortem", nil); code != http.StatusConflict {
		t.Fatalf("second post-mortem: %d %s", code, b)
	}
	steps := []struct{ who, path, field, value string }{
		{"editor", "/transitions", "to", "UNDER REVIEW"},
		{"editor", "/signoffs", "role", "author"},
		{"tess", "/signoffs", "role", "technical_review"},
		{"mona", "/signoffs", "role", "management_review"},
		{"dora", "/signoffs", "role", "final_approval"},
		{"approver", "/transitions", "to", "APPROVED"},
	}
	for _, s := range steps {
		if code, b := e.call(t, s.who, http.MethodPost, base+s.path, map[string]string{s.field: s.value}); code/100 != 2 {
			t.Fatalf("%s %s=%s: %d %s", s.who, s.field, s.value, code, b)
		}
	}
	return e
}

func TestRecordIntegrity(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		e := newRecordEnv(t, dsn)
		ctx := context.Background()
		base := "/api/v1/incidents/" + e.id
		approved := e.markdown(t)
		if !bytes.Contains(approved, []byte("APPROVED")) || !bytes.Contains(approved, []byte("@dora")) || bytes.Contains(approved, []byte("token:")) {
			t.Fatalf("approved document does not show its approval by handle:\n%s", approved)
		}
		impactBefore, err := e.m.Store.FindImpact(ctx, e.id)
		if err != nil {
			t.Fatal(err)
		}
		unchanged := func(t *testing.T, step string) {
			t.Helper()
			if got := e.markdown(t); !bytes.Equal(got, approved) {
				t.Fatalf("%s changed the approved Markdown", step)
			}
		}

		t.Run("SameGroupFiresAgain", func(t *testing.T) {
			// 23 minutes after the resolution: within the reopen window.
			again := time.Now().UTC().Add(-6 * time.Minute).Truncate(time.Second)
			code, b, err := postWebhook(e.m.URL(), bytes.NewReader(bareAlert("firing", again, time.Time{})))
			if err != nil || code != http.StatusOK {
				t.Fatalf("webhook: %d %s %v", code, b, err)
			}
			var res struct {
				IncidentID   string `json:"incident_id"`
				Opened       bool   `json:"opened"`
				Reopened     bool   `json:"reopened"`
				RecurrenceOf string `json:"recurrence_of"`
			}
			_ = json.Unmarshal(b, &res)
			if res.IncidentID == e.id || !res.Opened || res.Reopened || res.RecurrenceOf != e.id {
				t.Fatalf("the approved incident was not left alone: %s", b)
			}
			inc, err := e.m.Store.FindIncidentByID(ctx, e.id)
			if err != nil || inc.Status != hindsight.IncidentResolved {
				t.Fatalf("approved incident now %v %v", inc, err)
			}
			later, err := e.m.Store.FindIncidentByID(ctx, res.IncidentID)
			if err != nil || later.RecurrenceOf != e.id {
				t.Fatalf("recurrence %+v %v", later, err)
			}
			// A repeat of the firing notification, and its resolution, go
			// to the recurrence, never to the record.
			_, _, _ = postWebhook(e.m.URL(), bytes.NewReader(bareAlert("resolved", again, again.Add(2*time.Minute))))
			if later, _ = e.m.Store.FindIncidentByID(ctx, res.IncidentID); later.Status != hindsight.IncidentResolved {
				t.Fatalf("the recurrence did not resolve: %s", later.Status)
			}
			unchanged(t, "the group firing again")
			fu, err := e.m.Server.Review.ComputeFollowUp(hindsight.NewContextWithActor(ctx, "test"), e.id)
			if err != nil || len(fu.Similar) != 1 || fu.Similar[0].ID != res.IncidentID || fu.Similar[0].Match != hindsight.MatchRecurrence {
				t.Fatalf("follow-up does not count the recurrence: %+v %v", fu, err)
			}
			unchanged(t, "computing the follow-up")
		})

		t.Run("ImpactNotRemeasured", func(t *testing.T) {
			code, b := e.call(t, "editor", http.MethodPost, base+"/impact", nil)
			if code != http.StatusConflict || !strings.Contains(string(b), "back to DRAFT") {
				t.Fatalf("POST impact: %d %s", code, b)
			}
			e.m.impact.RunDue(ctx)
			exit, _, errOut := runCLI(t, "", "impact", e.id, "--db", dsn, "--prometheus", e.prom)
			if exit != 2 || !strings.Contains(errOut, "move it back to DRAFT first") {
				t.Fatalf("hindsight impact: exit %d: %s", exit, errOut)
			}
			after, err := e.m.Store.FindImpact(ctx, e.id)
			if err != nil || !after.ComputedAt.Equal(impactBefore.ComputedAt) || after.Attempts != impactBefore.Attempts {
				t.Fatalf("impact changed: %+v → %+v (%v)", impactBefore, after, err)
			}
			unchanged(t, "impact recomputation")
		})

		t.Run("ContentIsReadOnly", func(t *testing.T) {
			inc, _ := e.m.Store.FindIncidentByID(ctx, e.id)
			doc, _ := e.m.Store.FindDocument(ctx, e.id)
			writes := []struct {
				who, method, path string
				body              any
			}{
				{"editor", http.MethodPut, base + "/narrative", map[string]any{"version": doc.Version, "narrative": doc.Narrative}},
				{"editor", http.MethodPost, base + "/timeline", map[string]any{"time": time.Now().UTC().Add(-time.Hour), "type": "note", "event": "Late note"}},
				{"editor", http.MethodPatch, base, map[string]any{"version": inc.Version, "title": "Renamed"}},
				{"editor", http.MethodPatch, base, map[string]any{"version": inc.Version, "severity": "SEV1"}},
				{"editor", http.MethodPost, base + "/actions", map[string]string{"title": "One more", "owner": "@bo"}},
				{"editor", http.MethodPost, base + "/status", map[string]string{"to": "UNDER INVESTIGATION"}},
				{"editor", http.MethodPost, base + "/acknowledge", nil},
				{"editor", http.MethodPost, base + "/mitigate", nil},
				{"editor", http.MethodPost, base + "/placeholders/dismiss", map[string]any{"version": doc.Version, "key": "timeline/detection/1"}},
			}
			for _, w := range writes {
				code, b := e.call(t, w.who, w.method, w.path, w.body)
				if code != http.StatusConflict {
					t.Errorf("%s %s: %d %s, want 409", w.method, w.path, code, b)
				}
			}
			var actions struct{ Items []hindsight.ActionItem }
			_, b := e.call(t, "viewer", http.MethodGet, "/api/v1/actions?incident_id="+e.id, nil)
			_ = json.Unmarshal(b, &actions)
			if len(actions.Items) != 1 {
				t.Fatalf("actions %s", b)
			}
			a := actions.Items[0]
			code, b := e.call(t, "editor", http.MethodPatch, fmt.Sprintf("/api/v1/actions/%d", a.ID), map[string]any{"version": a.Version, "title": "Renamed action"})
			if code != http.StatusConflict {
				t.Errorf("renaming an approved action: %d %s", code, b)
			}
			unchanged(t, "refused writes")
		})

		t.Run("FollowUpStaysEditable", func(t *testing.T) {
			var actions struct{ Items []hindsight.ActionItem }
			_, b := e.call(t, "viewer", http.MethodGet, "/api/v1/actions?incident_id="+e.id, nil)
			_ = json.Unmarshal(b, &actions)
			a := actions.Items[0]
			code, b := e.call(t, "editor", http.MethodPatch, fmt.Sprintf("/api/v1/actions/%d", a.ID), map[string]any{"version": a.Version,
				"status": "done", "tracker_url": "https://tracker.example.com/OPS-7", "verification": "fired in staging on 2025-10-02"})
			if code != http.StatusOK {
				t.Fatalf("follow-up of an approved action: %d %s", code, b)
			}
			unchanged(t, "an action's follow-up")
			code, page := e.call(t, "viewer", http.MethodGet, base+"/postmortem.html", nil)
			html := string(page)
			at := strings.Index(html, "Follow-up since approval")
			if code != http.StatusOK || at < 0 || !strings.Contains(html[at:], "OPS-7") || strings.Contains(html[:at], "OPS-7") {
				t.Fatalf("HTML export does not show the follow-up apart (%d):\n%s", code, html)
			}
		})

		t.Run("BackToDraftReopensTheRecord", func(t *testing.T) {
			code, b := e.call(t, "editor", http.MethodPost, base+"/transitions", map[string]string{"to": "DRAFT", "reason": "root cause was wrong"})
			if code != http.StatusForbidden {
				t.Fatalf("an editor reopened the record: %d %s", code, b)
			}
			if code, b = e.call(t, "approver", http.MethodPost, base+"/transitions", map[string]string{"to": "DRAFT"}); code != http.StatusBadRequest {
				t.Fatalf("reopening without a reason: %d %s", code, b)
			}
			if code, b = e.call(t, "approver", http.MethodPost, base+"/transitions", map[string]string{"to": "DRAFT", "reason": "root cause was wrong"}); code != http.StatusOK {
				t.Fatalf("back to draft: %d %s", code, b)
			}
			signOffs, err := e.m.Store.FindSignOffs(ctx, e.id)
			if err != nil || len(signOffs) != 4 {
				t.Fatalf("sign-offs %v %v", signOffs, err)
			}
			for _, so := range signOffs {
				if so.VoidedAt == nil || !strings.Contains(so.VoidedReason, "root cause was wrong") {
					t.Fatalf("%s not voided: %+v", so.Role, so)
				}
			}
			if bytes.Equal(e.markdown(t), approved) {
				t.Fatal("the draft still serves the approved record")
			}
			if code, b = e.call(t, "editor", http.MethodPost, base+"/impact", nil); code != http.StatusOK {
				t.Fatalf("impact of the draft: %d %s", code, b)
			}
		})
	})
}
