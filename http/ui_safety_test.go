package http_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
)

func TestUI_CSRF(t *testing.T) {
	e := mustOpenUI(t, nil)
	b := e.signedIn(t, hindsight.RoleEditor)
	path := "/incidents/" + e.incident + "/timeline"
	form := func(token string) url.Values {
		return url.Values{"csrf_token": {token}, "time": {"2025-09-30T00:30"}, "type": {"note"}, "event": {"Note"}, "action": {"checked"}}
	}
	for _, tc := range []struct {
		name  string
		token string
		want  int
	}{
		{"Missing", "", http.StatusForbidden},
		{"Wrong", strings.Repeat("0", 64), http.StatusForbidden},
		{"OtherSession", e.signedIn(t, hindsight.RoleEditor).csrf, http.StatusForbidden},
		{"Valid", b.csrf, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := b.post(path, form(tc.token))
			wantStatus(t, "POST "+path, resp, body, tc.want)
		})
	}
	t.Run("CrossSiteRequest", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.url+path, strings.NewReader(form(b.csrf).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, body := b.do(req)
		wantStatus(t, "cross-site POST", resp, body, http.StatusForbidden)
	})
	t.Run("SignInForm", func(t *testing.T) {
		a := e.browser(t)
		a.get("/signin")
		resp, body := a.post("/signin", url.Values{"csrf_token": {""}, "token": {e.tokens[hindsight.RoleAdmin]}})
		wantStatus(t, "sign-in without token", resp, body, http.StatusForbidden)
	})
	t.Run("HistoryRecordsIdentity", func(t *testing.T) {
		revs, _, err := e.store.FindRevisions(context.Background(), hindsight.RevisionFilter{IncidentID: e.incident, Entity: hindsight.EntityTimeline})
		if err != nil || len(revs) != 1 || revs[0].Actor != "editor" {
			t.Fatalf("revisions = %+v, %v; want one by editor", revs, err)
		}
	})
}

func TestUI_SecurityHeaders(t *testing.T) {
	e := mustOpenUI(t, nil)
	b := e.signedIn(t, hindsight.RoleViewer)
	for _, path := range []string{"/incidents", "/incidents/" + e.incident, "/signin", "/assets/style.css", "/assets/nope.css",
		"/dashboard", "/actions", "/healthz", "/api/v1/incidents", "/incidents/NOPE"} {
		resp, _ := b.get(path)
		want := map[string]string{"Content-Security-Policy": hhttp.ContentSecurityPolicy, "X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
	if !strings.Contains(hhttp.ContentSecurityPolicy, "script-src 'self';") || strings.Contains(hhttp.ContentSecurityPolicy, "unsafe-inline") {
		t.Errorf("CSP must forbid inline script: %s", hhttp.ContentSecurityPolicy)
	}
}

func TestUI_Roles(t *testing.T) {
	e := mustOpenUI(t, nil)
	viewer, editor := e.signedIn(t, hindsight.RoleViewer), e.signedIn(t, hindsight.RoleEditor)
	_, body := viewer.get("/incidents/" + e.incident)
	if strings.Contains(body, "Submit for review") || strings.Contains(body, "Add an action item") {
		t.Error("a viewer sees editing forms")
	}
	resp, body := viewer.post("/incidents/"+e.incident+"/actions", url.Values{"title": {"x"}})
	wantStatus(t, "viewer adds an action", resp, body, http.StatusForbidden)
	resp, body = viewer.get("/incidents/" + e.incident + "/edit/root_cause")
	wantStatus(t, "viewer opens the editor", resp, body, http.StatusForbidden)
	editor.get("/incidents/" + e.incident)
	resp, body = editor.post("/incidents/"+e.incident+"/status", url.Values{"to": {"APPROVED"}})
	wantStatus(t, "editor approves", resp, body, http.StatusForbidden)
	resp, body = e.browser(t).post("/incidents/"+e.incident+"/actions", url.Values{"title": {"x"}})
	wantStatus(t, "anonymous write", resp, body, http.StatusUnauthorized)
}

// hostile is stored in every field a person or an alert can fill.
const hostile = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2"><a href="javascript:window.pwned=3">x</a>`

func TestUI_HostileInputIsInert(t *testing.T) {
	e := mustOpenUI(t, nil)
	ctx := hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: "token:admin", Role: hindsight.RoleAdmin})
	start := time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)
	inc := hindsight.Incident{ID: hindsight.IncidentID(start, "evil"), Title: "Title " + hostile, AlertName: "evil" + hostile,
		Severity: hindsight.SEV1, Status: hindsight.IncidentInvestigating, Summary: "Summary " + hostile, Description: hostile,
		Services: []string{"svc" + hostile}, Regions: []string{hostile}, Labels: map[string]string{"label": hostile},
		Links: []hindsight.Link{{Kind: hindsight.LinkRunbook, URL: "javascript:window.pwned=4"}}, StartedAt: start}
	if err := e.store.CreateIncident(ctx, &inc); err != nil {
		t.Fatal(err)
	}
	doc := hindsight.Document{IncidentID: inc.ID, Status: hindsight.DocDraft, Author: hostile, Narrative: hindsight.Narrative{
		RootCause: "Root " + hostile + "\n\n| a | b |\n|---|---|\n| <b onmouseover=x>cell</b> | [l](javascript:alert(1)) |",
		Impact:    "<iframe src=//evil.example></iframe>", Resolution: `<svg onload="window.pwned=5">`,
		Whys: []hindsight.Why{{Question: "Why?", Answer: hostile}}, ContributingFactors: []hindsight.Field{{Label: hostile, Value: hostile}}}}
	if err := e.store.CreateDocument(ctx, &doc); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: inc.ID, Time: start, Type: hindsight.EventNote,
		Event: hostile, Actor: hostile, Action: hostile}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: inc.ID, Title: hostile, Owner: hostile, Horizon: hindsight.HorizonImmediate,
		DueDate: start, Status: hindsight.ActionOpen, Verification: hostile, TrackerURL: "javascript:window.pwned=6"}); err != nil {
		t.Fatal(err)
	}
	b := e.signedIn(t, hindsight.RoleAdmin)
	_, page := b.get("/incidents/" + inc.ID + "/edit/root_cause")
	resp, preview := b.post("/incidents/"+inc.ID+"/edit/root_cause", url.Values{"version": {"1"}, "value_0": {hostile}, "do": {"preview"}})
	wantStatus(t, "preview", resp, preview, http.StatusOK)
	pages := map[string]string{"edit": page, "preview": preview}
	for _, path := range []string{"/incidents", "/incidents?q=pwned", "/incidents/" + inc.ID, "/incidents/" + inc.ID + "/history",
		"/incidents/" + inc.ID + "/edit/whys", "/incidents/" + inc.ID + "/edit/contributing_factors", "/actions", "/dashboard?to=2025-09"} {
		resp, body := b.get(path)
		wantStatus(t, path, resp, body, http.StatusOK)
		pages[path] = body
	}
	resp, frag := b.post("/preview", url.Values{"text": {hostile}})
	wantStatus(t, "preview fragment", resp, frag, http.StatusOK)
	pages["/preview"] = frag
	for name, body := range pages {
		if !strings.Contains(body, "pwned") && name != "/preview" && name != "/dashboard?to=2025-09" {
			t.Errorf("%s: the hostile text is not shown at all; the test checks nothing", name)
		}
		for _, problem := range activeContent(body) {
			t.Errorf("%s: %s", name, problem)
		}
	}
}

// activeContent lists what in an HTML page could run script: script
// elements other than the app's own file, event handler attributes,
// javascript: URLs, frames, objects and inline styles.
func activeContent(page string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "iframe", "object", "embed", "frame", "base", "meta":
			if tok.Data != "meta" || len(tok.Attr) > 1 && tok.Attr[0].Key != "charset" && tok.Attr[0].Key != "name" {
				out = append(out, "element <"+tok.Data+">")
			}
		case "script":
			if len(tok.Attr) != 2 || tok.Attr[0].Val != "/assets/app.js" {
				out = append(out, "script element "+tok.String())
			}
		}
		for _, a := range tok.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			switch {
			case strings.HasPrefix(a.Key, "on"):
				out = append(out, "event attribute "+tok.String())
			case a.Key == "style":
				out = append(out, "inline style "+tok.String())
			case (a.Key == "href" || a.Key == "src" || a.Key == "action") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:text")):
				out = append(out, "script URL "+tok.String())
			}
		}
	}
}
