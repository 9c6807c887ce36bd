package http_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// TestUI_DirectoryLinksPeople: handles the directory knows become links to
// the person's page in the document, the action owners and the sign-offs;
// an unknown handle stays as written and lint warns about it; the person's
// page lists their open actions and reviews.
func TestUI_DirectoryLinksPeople(t *testing.T) {
	e := mustOpenUI(t, nil)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.store.UpsertPerson(ctx, &hindsight.Person{Handle: "lead", Name: `Ana "<b>" Lima`, Email: "ana@example.com",
		Team: "SRE", Source: hindsight.PersonFromConfig}))
	doc, err := e.store.FindDocument(ctx, e.incident)
	must(err)
	doc.Narrative.RootCause = "Found by @lead (not @ghost); `@lead` in code stays; mail ana@example.com."
	must(e.store.UpdateDocument(ctx, doc, doc.Version))
	due := time.Date(2025, 10, 7, 0, 0, 0, 0, time.UTC)
	for _, owner := range []string{"@Lead", "@ghost"} {
		must(e.store.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: e.incident, Title: "Fix rotation for " + owner,
			Owner: owner, Horizon: hindsight.Horizons[0], DueDate: due, Status: hindsight.ActionOpen, Verification: "quiet for a week"}))
	}
	signed := due
	must(e.store.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: e.incident, Role: hindsight.RoleTechnicalReview, Signer: "@lead", SignedAt: &signed}))
	must(e.store.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: e.incident, Role: hindsight.RoleFinalApproval, Signer: "lead"}))

	b := e.signedIn(t, hindsight.RoleViewer)
	resp, body := b.get("/incidents/" + e.incident)
	wantStatus(t, "incident page", resp, body, http.StatusOK)
	link := func(text string) string {
		return `<a class="person" href="/people/lead" title="Ana &#34;&lt;b&gt;&#34; Lima (@lead) · SRE">` + text + `</a>`
	}
	for _, want := range []string{
		"Found by " + link("@lead") + " (not @ghost)", // the document
		"<code>@lead</code>",                          // code is quoted as written
		"<td>" + link("@Lead") + "</td>",              // the action owner
		"✓ " + link("@lead") + ",",                    // a sign-off
		"awaiting " + link("lead"),                    // a sign-off awaited
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the incident page lacks %s", want)
		}
	}
	if strings.Contains(body, "/people/ghost") || !strings.Contains(body, "<td>@ghost</td>") {
		t.Error("the unknown @ghost is not kept as written")
	}
	if strings.Contains(body, "<b>") {
		t.Error("a display name's markup reached the page")
	}

	req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/incidents/"+e.incident+"/lint", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleViewer])
	resp, raw := mustDo(t, http.DefaultClient, req)
	body = string(raw)
	wantStatus(t, "lint", resp, body, http.StatusOK)
	if !strings.Contains(body, `"rule": "unknown-person"`) || !strings.Contains(body, "@ghost is not in the directory") ||
		strings.Contains(body, "@lead is not") || strings.Contains(body, "@system is not") {
		t.Errorf("lint: want an unknown-person warning for @ghost only:\n%s", body)
	}

	resp, body = b.get("/people/lead")
	wantStatus(t, "person page", resp, body, http.StatusOK)
	for _, want := range []string{"Fix rotation for @Lead", e.incident + "</a> · technical_review", "Awaiting their sign-off", "ana@example.com"} {
		if !strings.Contains(body, want) {
			t.Errorf("the person page lacks %q", want)
		}
	}
	if strings.Contains(body, "Fix rotation for @ghost") {
		t.Error("the person page lists another person's action")
	}
	resp, body = b.get("/people/ghost")
	wantStatus(t, "unknown person's page", resp, body, http.StatusOK)
	if !strings.Contains(body, "not in the directory") || !strings.Contains(body, "Fix rotation for @ghost") {
		t.Errorf("the page of @ghost: %.3000s", body)
	}
}

// TestUI_PeopleAdmin: an admin adds and removes people on the directory's
// page; a bad entry is refused with its reason and stores nothing; an
// editor may not change the directory.
func TestUI_PeopleAdmin(t *testing.T) {
	e := mustOpenUI(t, nil)
	ctx := context.Background()
	admin := e.signedIn(t, hindsight.RoleAdmin)
	admin.get("/people")
	resp, body := admin.post("/people", url.Values{"handle": {"@carol"}, "name": {"Carol Ødegård"}, "email": {"carol@example.com"},
		"slack_id": {"U0CAROL1"}, "team": {"Payments"}})
	wantStatus(t, "save", resp, body, http.StatusSeeOther)
	p, err := e.store.FindPersonByHandle(ctx, "carol")
	if err != nil || p.Name != "Carol Ødegård" || p.Source != hindsight.PersonFromAdmin || p.SlackID != "U0CAROL1" {
		t.Fatalf("carol = %+v, %v", p, err)
	}
	resp, body = admin.get("/people")
	wantStatus(t, "people page", resp, body, http.StatusOK)
	if !strings.Contains(body, `href="/people/carol">@carol</a>`) {
		t.Fatalf("the list lacks carol: %.2000s", body)
	}
	resp, body = admin.post("/people", url.Values{"handle": {"dave"}, "email": {"not-an-address"}})
	wantStatus(t, "bad entry", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "email: must be an address") {
		t.Errorf("the refusal does not say why: %.2000s", body)
	}
	if _, err := e.store.FindPersonByHandle(ctx, "dave"); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		t.Errorf("a refused entry was stored: %v", err)
	}
	editor := e.signedIn(t, hindsight.RoleEditor)
	editor.get("/people")
	resp, body = editor.post("/people", url.Values{"handle": {"mallory"}})
	wantStatus(t, "editor save", resp, body, http.StatusForbidden)
	admin.get("/people")
	resp, body = admin.post("/people/carol/delete", nil)
	wantStatus(t, "delete", resp, body, http.StatusSeeOther)
	if _, err := e.store.FindPersonByHandle(ctx, "carol"); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		t.Errorf("carol is still there: %v", err)
	}
}
