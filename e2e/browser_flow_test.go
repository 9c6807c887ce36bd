package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fill sets the named fields of the form matching formSel (opening any
// collapsed details around it) through the page's JavaScript.
func (p *page) fill(formSel string, values map[string]string) {
	p.t.Helper()
	b, _ := json.Marshal(values)
	sel, _ := json.Marshal(formSel)
	p.eval(fmt.Sprintf(`(function () {
		var f = document.querySelector(%s); if (!f) { throw new Error("no form"); }
		for (var d = f.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) { d.open = true; }
		var v = %s; Object.keys(v).forEach(function (k) { f.elements[k].value = v[k]; }); return "";
	})()`, sel, b))
}

// count returns how many elements match sel.
func (p *page) count(sel string) int {
	p.t.Helper()
	q, _ := json.Marshal(sel)
	var n int
	fmt.Sscan(p.eval(fmt.Sprintf(`String(document.querySelectorAll(%s).length)`, q)), &n)
	return n
}

// addEvent records a timeline event through the incident page's form.
func (p *page) addEvent(id string, at time.Time, typ, event, action string) {
	p.t.Helper()
	p.open("/incidents/" + id)
	form := "form[action='/incidents/" + id + "/timeline']"
	p.fill(form, map[string]string{"time": at.UTC().Format("2006-01-02T15:04"), "type": typ, "event": event, "actor": "@ana", "action": action})
	p.submit(form + " button")
	if got := p.text("#timeline table"); !strings.Contains(got, event) {
		p.t.Fatalf("event %q not listed: %q", event, got)
	}
}

// dismissAll dismisses every template row the incident page still offers,
// one at a time (each dismissal is a new document version).
func (p *page) dismissAll(id string) int {
	p.t.Helper()
	p.open("/incidents/" + id)
	n := 0
	for p.count(".placeholders button") > 0 {
		if n++; n > 40 {
			p.t.Fatal("placeholder rows keep coming back")
		}
		p.submit(".placeholders button")
		if p.count(".problem") > 0 {
			p.t.Fatalf("dismissing was refused: %s", p.text(".problem"))
		}
	}
	return n
}

// sign clicks the sign-off button of role and checks it is recorded.
func (p *page) sign(id, role string) {
	p.t.Helper()
	p.open("/incidents/" + id)
	p.submit("#sign-" + role)
	if p.count(".problem") > 0 {
		p.t.Fatalf("signing %s was refused: %s", role, p.text(".problem"))
	}
}

// startedAt reads the incident's start through the API as a viewer.
func (s *uiServer) startedAt(t *testing.T, token, id string) time.Time {
	t.Helper()
	var inc struct {
		StartedAt time.Time `json:"started_at"`
	}
	getJSON(t, s.URL+"/api/v1/incidents/"+id, token, &inc)
	return inc.StartedAt
}

// measureImpact asks the server to measure the incident's impact now, as
// an editor does with "hindsight impact" (without Prometheus it stores why
// the figures are not measured).
func (s *uiServer) measureImpact(t *testing.T, token, id string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/incidents/"+id+"/impact", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("measure impact: %d", resp.StatusCode)
	}
}

// fillNarrative answers every narrative section through the editor; the
// relevant links get links.
func fillNarrative(t *testing.T, p *page, id string) {
	t.Helper()
	for _, sec := range []string{"impact", "resolution", "business_impact", "data_sources", "whys", "contributing_factors",
		"went_well", "could_improve", "technical_lessons", "process_lessons", "organizational_lessons", "relevant_links",
		"evidence", "external_communication"} {
		p.open("/incidents/" + id + "/edit/" + sec)
		text := "Reviewed and written up by the on-call team."
		if sec == "relevant_links" {
			text = "<https://wiki.example.com/incidents/pool>"
		}
		p.eval(fmt.Sprintf(`(document.querySelectorAll("textarea").forEach(function (t) { t.value = %q }), "")`, text))
		p.submit("#save-button")
		if p.count(".problem") > 0 {
			t.Fatalf("saving %s was refused: %s", sec, p.text(".problem"))
		}
	}
}
