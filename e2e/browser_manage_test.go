package e2e_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// fireInAlertmanager posts alerts to a real Alertmanager's API, which then
// notifies Hindsight through its webhook.
func fireInAlertmanager(t *testing.T, amURL string, labels []map[string]string, startsAt time.Time) {
	t.Helper()
	var alerts []map[string]any
	for _, l := range labels {
		alerts = append(alerts, map[string]any{"labels": l, "startsAt": startsAt.UTC().Format(time.RFC3339)})
	}
	b, _ := json.Marshal(alerts)
	resp, err := http.Post(amURL+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Alertmanager refused the alerts: %d", resp.StatusCode)
	}
}

// incidentByTitle waits until the server lists an incident titled title and
// returns its ID.
func (s *uiServer) incidentByTitle(t *testing.T, token, title string) string {
	t.Helper()
	var id string
	poll(t, "incident "+title, func() bool {
		var list struct {
			Items []struct{ ID, Title string }
		}
		getJSON(t, s.URL+"/api/v1/incidents", token, &list)
		for _, it := range list.Items {
			if it.Title == title {
				id = it.ID
			}
		}
		return id != ""
	})
	return id
}

// TestBrowser_AnyIncidentReachesApproved takes three incidents to APPROVED
// with the UI alone: one from a real Alertmanager notification whose alert
// has no region, summary, service or severity label (SEV3 by default, so
// no draft), one from a SEV3 alert with a service label, and one declared
// by hand. For each, the editor creates the post-mortem where needed, edits
// the incident's metadata, acknowledges and mitigates with the buttons,
// resolves it, writes the narrative, adds an action, dismisses the template
// rows that do not apply and submits; three different approvers sign and
// the last approves. The approved record then refuses edits from the UI.
func TestBrowser_AnyIncidentReachesApproved(t *testing.T) {
	t.Parallel()
	testenv.ChromiumPath(t)
	const wh = "e2e-manage-webhook"
	s := startUIServer(t, wh)
	am := testenv.StartAlertmanager(t, testenv.AlertmanagerOptions{WebhookURL: s.URL + "/api/v1/alerts/alertmanager", BearerToken: wh})
	editor := s.token(t, "editor", "ana")
	signers := map[string]string{"technical_review": s.token(t, "approver", "tess"),
		"management_review": s.token(t, "approver", "mona"), "final_approval": s.token(t, "approver", "dora")}
	start := time.Now().UTC().Add(-40 * time.Minute).Truncate(time.Minute)
	fireInAlertmanager(t, am.URL, []map[string]string{
		{"alertname": "DiskAlmostFull"},
		{"alertname": "QueueBacklogGrowing", "severity": "warning", "service": "billing"},
	}, start)
	bare := s.incidentByTitle(t, editor, "DiskAlmostFull")
	sev3 := s.incidentByTitle(t, editor, "QueueBacklogGrowing")

	p := newPage(t, s.URL)
	p.signIn(editor)
	p.shot("20-incidents-new-button")
	declared := declareInUI(t, p, start)

	for i, id := range []string{bare, sev3, declared} {
		p.open("/incidents/" + id)
		if i == 0 {
			p.shot("21-no-postmortem")
		}
		if p.count("#create-postmortem") > 0 {
			p.submit("#create-postmortem")
			if p.count("#document h1") == 0 {
				t.Fatalf("%s: no document after creating the post-mortem: %s", id, p.text(".problem"))
			}
		}
		editMetadata(t, p, id, i == 0)
		respond(t, p, id, start)
		s.measureImpact(t, editor, id)
		writeEverything(t, p, id, start)
		p.submit("#submit-review")
		if p.count(".problem") > 0 {
			p.shot("29-refused")
			t.Fatalf("%s: submission refused: %s\n%s", id, p.text(".problem"), p.text("#workflow"))
		}
		p.sign(id, "author")
		for _, role := range []string{"technical_review", "management_review", "final_approval"} {
			p.signOut()
			p.signIn(signers[role])
			p.sign(id, role)
		}
		p.submit("#approve")
		if got := p.text("#workflow"); p.count(".problem") > 0 || !strings.Contains(got, "APPROVED") {
			t.Fatalf("%s: approval: %q %q", id, p.text(".problem"), got)
		}
		if i == 0 {
			p.shot("26-approved")
			if p.count("#metadata-form") > 0 || p.count("#acknowledge") > 0 || p.count("#record-reopen") == 0 {
				t.Errorf("the approved record still offers edits, or no way back to draft")
			}
		}
		p.signOut()
		p.signIn(editor)
	}
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// declareInUI declares an incident with the "New incident" page and
// returns its ID.
func declareInUI(t *testing.T, p *page, start time.Time) string {
	t.Helper()
	p.submit("#new-incident")
	p.fill("#declare-form", map[string]string{"title": "Checkout errors reported by customers", "severity": "SEV2",
		"started_at": start.Format("2006-01-02T15:04"), "summary": "Customers could not pay by card", "services": "checkout", "regions": "eu-west-1"})
	p.shot("22-declare")
	p.submit("#declare")
	if p.count(".problem") > 0 {
		t.Fatalf("declaring was refused: %s", p.text(".problem"))
	}
	id := strings.TrimSpace(p.eval(`document.querySelector(".crumbs .mono").textContent`))
	if !strings.HasPrefix(id, "INCIDENT-"+start.Format("20060102-1504")+"-checkout-errors") {
		t.Fatalf("declared incident ID %q", id)
	}
	return id
}

// editMetadata fills the fields an alert without labels leaves as
// placeholders and checks that the document follows.
func editMetadata(t *testing.T, p *page, id string, shot bool) {
	t.Helper()
	p.open("/incidents/" + id)
	p.fill("#metadata-form", map[string]string{"summary": "Disk of db-1 filled up, writes failed", "services": "database, api",
		"regions": "eu-west-1", "links": "dashboard | https://grafana.example.com/d/db"})
	if shot {
		p.shot("23-metadata-form")
	}
	p.submit("#save-metadata")
	if p.count(".problem") > 0 {
		t.Fatalf("%s: saving the metadata was refused: %s", id, p.text(".problem"))
	}
	doc := p.text("#document")
	for _, want := range []string{"eu-west-1", "database, api"} {
		if !strings.Contains(doc, want) {
			t.Errorf("%s: the document does not show %q after the metadata edit", id, want)
		}
	}
}

// respond acknowledges and mitigates with the buttons (editing the time of
// the first), then resolves the incident.
func respond(t *testing.T, p *page, id string, start time.Time) {
	t.Helper()
	p.open("/incidents/" + id)
	p.fill("#respond-form", map[string]string{"at": start.Add(4 * time.Minute).Format("2006-01-02T15:04")})
	p.submit("#acknowledge")
	p.submit("#mitigate")
	if p.count(".problem") > 0 {
		t.Fatalf("%s: responding was refused: %s", id, p.text(".problem"))
	}
	tl := p.text("#timeline")
	if !strings.Contains(tl, "Acknowledged by @ana") || !strings.Contains(tl, "Mitigated") {
		t.Errorf("%s: the timeline does not show the responses: %q", id, tl)
	}
	// Alertmanager may have resolved it already (its resolve_timeout).
	if !strings.Contains(p.text(".incident-head .badges"), "RESOLVED") {
		p.fill("#incident-status-form", map[string]string{"to": "RESOLVED", "reason": "disk extended"})
		p.submit("#change-incident-status")
	}
	if got := p.text(".incident-head .badges"); !strings.Contains(got, "RESOLVED") {
		t.Fatalf("%s: not resolved: %q", id, got)
	}
	if got := p.eval(`document.querySelector("#incident-to").value`); got != "" {
		t.Errorf("%s: after resolution the status form defaults to %q, want no default", id, got)
	}
}

// writeEverything writes the narrative, records the remaining events, adds
// an action item and dismisses the template rows that do not apply.
func writeEverything(t *testing.T, p *page, id string, start time.Time) {
	t.Helper()
	p.open("/incidents/" + id + "/edit/root_cause")
	p.eval(`(document.querySelectorAll("textarea").forEach(function (t) { t.value = "Log rotation stopped after the 02:00 upgrade." }), "")`)
	p.submit("#save-button")
	fillNarrative(t, p, id)
	p.addEvent(id, start.Add(-5*time.Minute), "issue_started", "Issue started", "Log rotation stops")
	p.addEvent(id, start.Add(20*time.Minute), "fix", "Solution implemented", "Rotation re-enabled, disk extended")
	p.open("/incidents/" + id)
	p.fill("#add-action", map[string]string{"title": "Alert at 80% disk", "owner": "@ana", "verification": "Alert fires in staging"})
	p.submit("#add-action button")
	p.dismissAll(id)
}
