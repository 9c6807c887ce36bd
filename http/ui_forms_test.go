package http_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func TestUI_DismissPlaceholder(t *testing.T) {
	e := mustOpenUI(t, nil)
	b := e.signedIn(t, hindsight.RoleEditor)
	_, page := b.get("/incidents/" + e.incident)
	if !strings.Contains(page, `value="timeline/investigation/3"`) || !strings.Contains(page, `value="actions/long/0"`) {
		t.Fatalf("the incident page offers no dismiss buttons:\n%.3000s", page)
	}
	doc, _ := e.store.FindDocument(context.Background(), e.incident)
	v := strconv.Itoa(doc.Version)
	resp, body := b.post("/incidents/"+e.incident+"/placeholders/dismiss", url.Values{"key": {"timeline/investigation/3"}, "version": {v}})
	wantStatus(t, "dismiss", resp, body, http.StatusSeeOther)
	_, page = b.get("/incidents/" + e.incident)
	if strings.Contains(page, `value="timeline/investigation/3"`) {
		t.Errorf("the dismissed row is still offered")
	}
	resp, body = b.post("/incidents/"+e.incident+"/placeholders/dismiss", url.Values{"key": {"actions/long/0"}, "version": {v}})
	wantStatus(t, "stale dismiss", resp, body, http.StatusConflict)
	if !strings.Contains(body, `class="problem"`) {
		t.Errorf("a stale version is not explained on the page")
	}
	resp, body = b.post("/incidents/"+e.incident+"/placeholders/dismiss", url.Values{"key": {"timeline/nowhere/0"}, "version": {strconv.Itoa(doc.Version + 1)}})
	wantStatus(t, "unknown key", resp, body, http.StatusBadRequest)
	viewer := e.signedIn(t, hindsight.RoleViewer)
	if _, page := viewer.get("/incidents/" + e.incident); strings.Contains(page, "placeholders/dismiss") {
		t.Errorf("a viewer is offered dismiss buttons")
	}
}

func TestUI_IncidentStatus(t *testing.T) {
	e := mustOpenUI(t, nil)
	b := e.signedIn(t, hindsight.RoleEditor)
	_, page := b.get("/incidents/" + e.incident)
	if !strings.Contains(page, `id="change-incident-status"`) {
		t.Fatal("no incident status form")
	}
	resp, body := b.post("/incidents/"+e.incident+"/incident-status", url.Values{"to": {"RESOLVED"}, "reason": {"error rate normal"}})
	wantStatus(t, "resolve", resp, body, http.StatusSeeOther)
	inc, _ := e.store.FindIncidentByID(context.Background(), e.incident)
	if inc.Status != hindsight.IncidentResolved || inc.ResolvedAt == nil {
		t.Fatalf("incident %s, resolved at %v", inc.Status, inc.ResolvedAt)
	}
	resp, body = b.post("/incidents/"+e.incident+"/incident-status", url.Values{"to": {"MITIGATED"}})
	wantStatus(t, "refused transition", resp, body, http.StatusConflict)
	if !strings.Contains(body, "cannot move from RESOLVED to MITIGATED") {
		t.Errorf("the refusal is not explained:\n%.2000s", body)
	}
}

func TestUI_EditActionAndEvent(t *testing.T) {
	e := mustOpenUI(t, nil)
	ctx := hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: "setup", Role: hindsight.RoleAdmin})
	a := &hindsight.ActionItem{Title: "Alert on pool saturation", Owner: "@ana", Verification: "fires in a load test"}
	if err := e.srv.Review.CreateAction(ctx, e.incident, a); err != nil {
		t.Fatal(err)
	}
	ev := &hindsight.TimelineEvent{IncidentID: e.incident, Time: time.Date(2025, 9, 30, 0, 30, 0, 0, time.UTC), Type: hindsight.EventFinding, Event: "Pool full"}
	if err := e.srv.Review.AddTimelineEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	b := e.signedIn(t, hindsight.RoleEditor)
	base := "/incidents/" + e.incident
	aPath := base + "/actions/" + strconv.FormatInt(a.ID, 10)
	resp, page := b.get(aPath + "/edit")
	wantStatus(t, "action editor", resp, page, http.StatusOK)
	form := url.Values{"title": {a.Title}, "owner": {"@ben"}, "horizon": {"medium"}, "status": {"wont_do"}, "due": {"2025-11-01"},
		"verification": {"n/a"}, "tracker_url": {"https://tracker.example.com/OPS-9"}, "version": {strconv.Itoa(a.Version)}}
	resp, body := b.post(aPath, form)
	wantStatus(t, "won't do without a reason", resp, body, http.StatusBadRequest)
	form.Set("status_reason", "replaced by the new pooler")
	resp, body = b.post(aPath, form)
	wantStatus(t, "save action", resp, body, http.StatusSeeOther)
	got, _ := e.store.FindActionItemByID(context.Background(), a.ID)
	if got.Owner != "@ben" || got.Status != hindsight.ActionWontDo || got.StatusReason != "replaced by the new pooler" ||
		got.DueDate.Format("2006-01-02") != "2025-11-01" || got.TrackerURL != "https://tracker.example.com/OPS-9" {
		t.Errorf("saved action %+v", got)
	}
	resp, body = b.post(aPath, form)
	wantStatus(t, "stale action version", resp, body, http.StatusConflict)
	resp, body = b.get(base + "/actions/999999/edit")
	wantStatus(t, "unknown action", resp, body, http.StatusNotFound)

	ePath := base + "/timeline/" + strconv.FormatInt(ev.ID, 10)
	resp, page = b.get(ePath + "/edit")
	wantStatus(t, "event editor", resp, page, http.StatusOK)
	resp, body = b.post(ePath, url.Values{"time": {"2025-09-30T00:35"}, "type": {"fix"}, "event": {"Pool raised to 200"}, "actor": {"@ana"}, "action": {"deploy"}})
	wantStatus(t, "save event", resp, body, http.StatusSeeOther)
	events, _ := e.store.FindTimeline(context.Background(), e.incident)
	var saved *hindsight.TimelineEvent
	for _, x := range events {
		if x.ID == ev.ID {
			saved = x
		}
	}
	if saved == nil || saved.Type != hindsight.EventFix || saved.Event != "Pool raised to 200" || saved.Time.Minute() != 35 {
		t.Errorf("saved event %+v", saved)
	}
	resp, body = b.post(ePath, url.Values{"time": {"yesterday"}, "type": {"fix"}, "event": {"x"}})
	wantStatus(t, "bad time", resp, body, http.StatusBadRequest)
	other := mustCreateDraft(t, e.store, "OtherIncident", "another one")
	resp, body = b.get("/incidents/" + other + "/timeline/" + strconv.FormatInt(ev.ID, 10) + "/edit")
	wantStatus(t, "event of another incident", resp, body, http.StatusNotFound)
}
