package http_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// TestUI_Comments: the incident page's comment form needs its CSRF token,
// renders Markdown sanitized, and "Back to draft" shows its reason as a
// request for changes in the Comments panel.
func TestUI_Comments(t *testing.T) {
	e := mustOpenUI(t, nil)
	ctx := hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: "setup", Role: hindsight.RoleAdmin})
	b := e.signedIn(t, hindsight.RoleEditor)
	page := "/incidents/" + e.incident
	b.get(page)

	resp, body := b.post(page+"/comments", url.Values{"body": {"x"}, "csrf_token": {"forged"}})
	wantStatus(t, "comment without the CSRF token", resp, body, http.StatusForbidden)
	resp, body = b.post(page+"/comments", url.Values{"body": {"Check **this** <script>alert(1)</script> [x](javascript:alert(2)) @lead"},
		"section": {"root_cause"}})
	wantStatus(t, "comment", resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "#comment-") {
		t.Errorf("redirect to %q, want the comment's anchor", loc)
	}
	resp, body = b.post(page+"/comments", url.Values{"body": {" "}})
	wantStatus(t, "empty comment", resp, body, http.StatusBadRequest)
	resp, body = b.get(page)
	wantStatus(t, "incident page", resp, body, http.StatusOK)
	if !strings.Contains(body, "<strong>this</strong>") || strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "javascript:alert(2)") {
		t.Errorf("the comment is not rendered sanitized:\n%s", section(body, `id="comments"`))
	}
	if !strings.Contains(body, `<span class="mention">@lead</span>`) || !strings.Contains(body, `data-section="root_cause"`) {
		t.Errorf("the comment lacks its mention or section:\n%s", section(body, `id="comments"`))
	}

	// Back to draft, from UNDER REVIEW, records the reason as a request.
	doc, err := e.store.FindDocument(ctx, e.incident)
	if err != nil {
		t.Fatal(err)
	}
	d := *doc
	d.Status = hindsight.DocUnderReview
	if err := e.store.UpdateDocument(ctx, &d, doc.Version); err != nil {
		t.Fatal(err)
	}
	b.get(page)
	resp, body = b.post(page+"/status", url.Values{"to": {"DRAFT"}, "reason": {"The timeline misses the rollback"}})
	wantStatus(t, "back to draft", resp, body, http.StatusSeeOther)
	_, body = b.get(page)
	panel := section(body, `id="comments"`)
	if !strings.Contains(panel, "Changes requested") || !strings.Contains(panel, "The timeline misses the rollback") {
		t.Errorf("the Comments panel lacks the request for changes:\n%s", panel)
	}

	// A viewer reads comments but gets no form and may not post.
	v := e.signedIn(t, hindsight.RoleViewer)
	_, body = v.get(page)
	if strings.Contains(body, `id="comment-form"`) || !strings.Contains(body, "The timeline misses the rollback") {
		t.Error("a viewer sees the comment form, or not the comments")
	}
	resp, body = v.post(page+"/comments", url.Values{"body": {"x"}})
	wantStatus(t, "a viewer's comment", resp, body, http.StatusForbidden)
}

// TestNotificationPrefsAPI: each person reads and sets only their own
// preferences; both fields are required.
func TestNotificationPrefsAPI(t *testing.T) {
	a := newReviewAPI(t)
	var p hindsight.NotificationPrefs
	if st := a.do(hindsight.RoleViewer, "GET", "/api/v1/me/notifications", nil, &p); st != http.StatusOK || !p.Email || !p.SlackDM || p.Handle != "viewer" {
		t.Fatalf("defaults: %d %+v", st, p)
	}
	if st := a.do(hindsight.RoleViewer, "PUT", "/api/v1/me/notifications", map[string]any{"email": false}, nil); st != http.StatusBadRequest {
		t.Errorf("a partial body: %d, want 400", st)
	}
	if st := a.do("", "PUT", "/api/v1/me/notifications", map[string]any{"email": false, "slack_dm": true}, nil); st != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", st)
	}
	if st := a.do(hindsight.RoleViewer, "PUT", "/api/v1/me/notifications", map[string]any{"email": false, "slack_dm": true}, &p); st != http.StatusOK || p.Email {
		t.Fatalf("save: %d %+v", st, p)
	}
	stored, err := a.store.FindNotificationPrefs(context.Background(), "@Viewer")
	if err != nil || stored.Email || !stored.SlackDM {
		t.Fatalf("stored %+v %v", stored, err)
	}
	other, _ := a.store.FindNotificationPrefs(context.Background(), "editor")
	if !other.Email {
		t.Error("one person's choice changed another's")
	}
}

// section returns body from the first occurrence of marker on, at most
// 4000 bytes, for failure messages and checks of one panel.
func section(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	return body[i:min(len(body), i+4000)]
}
