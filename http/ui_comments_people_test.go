package http_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// TestUI_CommentsLinkPeople: in a comment's body and in its list of
// mentions, a handle the directory knows links to the person's page,
// titled with their escaped name; an unknown handle and one in code stay
// as written.
func TestUI_CommentsLinkPeople(t *testing.T) {
	e := mustOpenUI(t, nil)
	if err := e.store.UpsertPerson(context.Background(), &hindsight.Person{Handle: "lena", Name: `Lena "<img src=x onerror=alert(1)>" Ødegård`,
		Team: "SRE", Source: hindsight.PersonFromConfig}); err != nil {
		t.Fatal(err)
	}
	b := e.signedIn(t, hindsight.RoleEditor)
	page := "/incidents/" + e.incident
	b.get(page)
	resp, body := b.post(page+"/comments", url.Values{"body": {"Ask @Lena and @ghost; `@lena` in code stays."}})
	wantStatus(t, "comment", resp, body, http.StatusSeeOther)
	resp, body = b.get(page)
	wantStatus(t, "incident page", resp, body, http.StatusOK)
	panel := section(body, `id="comments"`)
	link := func(text string) string {
		return `<a class="person" href="/people/lena" title="Lena &#34;&lt;img src=x onerror=alert(1)&gt;&#34; Ødegård (@lena) · SRE">` + text + `</a>`
	}
	for _, want := range []string{
		"Ask " + link("@Lena") + " and @ghost;",              // the body
		"<code>@lena</code>",                                 // code is quoted as written
		`<span class="mention">` + link("@Lena") + `</span>`, // the mentions
		`<span class="mention">@ghost</span>`,
	} {
		if !strings.Contains(panel, want) {
			t.Errorf("the comments panel lacks %s:\n%s", want, panel)
		}
	}
	if strings.Contains(panel, "<img") || strings.Contains(panel, "/people/ghost") {
		t.Errorf("the comments panel has an unescaped name or a link for an unknown handle:\n%s", panel)
	}
}
