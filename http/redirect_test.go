package http_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// browserResolve resolves a Location header the way a browser does: tabs
// and newlines are dropped and a backslash reads as a slash (WHATWG URL
// parsing of special schemes).
func browserResolve(tb testing.TB, base, loc string) *url.URL {
	tb.Helper()
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(strings.TrimSpace(loc))
	b, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return b
	}
	return b.ResolveReference(u)
}

// TestUI_SignInNextBypasses sends the known open-redirect bypasses as the
// next parameter of the sign-in, as a form field and as the query of the
// sign-in page of a signed-in visitor: each must lead to a page of this
// site, the refused ones to /incidents.
func TestUI_SignInNextBypasses(t *testing.T) {
	e := mustOpenUI(t, nil)
	tests := []struct {
		name, next, want string
	}{
		{"DoubleSlash", "//evil.example/x", "/incidents"},
		{"TripleSlash", "///evil.example/x", "/incidents"},
		{"SlashBackslash", `/\evil.example/x`, "/incidents"},
		{"SlashBackslashSlash", `/\/evil.example/x`, "/incidents"},
		{"Backslashes", `\\evil.example/x`, "/incidents"},
		{"SlashTabSlash", "/\t/evil.example/", "/incidents"},
		{"TabFirst", "\t//evil.example/", "/incidents"},
		{"SlashNewlineSlash", "/\n/evil.example/", "/incidents"},
		{"SlashCRLFSlash", "/\r\n/evil.example/", "/incidents"},
		{"SlashNULSlash", "/\x00/evil.example/", "/incidents"},
		{"SlashZeroWidthSlash", "/\u200b/evil.example/", "/incidents"},
		{"EncodedSlashes", "%2F%2Fevil.example", "/incidents"},
		{"SlashEncodedSlashes", "/%2F%2Fevil.example", "/incidents"},
		{"SlashEncodedSlash", "/%2Fevil.example", "/incidents"},
		{"EncodedTab", "/%09/evil.example/", "/incidents"},
		{"EncodedNewline", "/%0a/evil.example/", "/incidents"},
		{"EncodedBackslash", "/%5Cevil.example/", "/incidents"},
		{"HTTPS", "https://evil.example/", "/incidents"},
		{"SchemeOnly", "https:evil.example", "/incidents"},
		{"SchemeSlashBackslash", `http:/\evil.example`, "/incidents"},
		{"JavaScript", "javascript:alert(1)", "/incidents"},
		{"LeadingSpace", " //evil.example/", "/incidents"},
		{"Relative", "incidents", "/incidents"},
		{"Empty", "", "/incidents"},
		{"LocalPath", "/incidents/INCIDENT-1", "/incidents/INCIDENT-1"},
		{"LocalQueryFragment", "/incidents?status=RESOLVED#list", "/incidents?status=RESOLVED#list"},
		{"LocalWithTabRemoved", "/inci\tdents", "/incidents"},
		{"LocalEncodedSpace", "/incidents/a%20b", "/incidents/a%20b"},
	}
	signedIn := e.signedIn(t, hindsight.RoleViewer)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(how string, resp *http.Response, body string) {
				t.Helper()
				wantStatus(t, how, resp, body, http.StatusSeeOther)
				loc := resp.Header.Get("Location")
				if loc != tt.want {
					t.Errorf("%s: Location = %q, want %q", how, loc, tt.want)
				}
				if u := browserResolve(t, e.url, loc); u.Host != strings.TrimPrefix(e.url, "http://") {
					t.Errorf("%s: Location %q leads a browser to %s", how, loc, u)
				}
			}
			b := e.browser(t)
			b.get("/signin")
			resp, body := b.post("/signin", url.Values{"token": {e.tokens[hindsight.RoleViewer]}, "next": {tt.next}})
			check("POST /signin", resp, body)
			resp, body = signedIn.get("/signin?next=" + url.QueryEscape(tt.next))
			check("GET /signin", resp, body)
		})
	}
}
