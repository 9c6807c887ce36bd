package http_test

import (
	"net/http"
	"strings"
	"testing"

	hhttp "github.com/hindsight-sre/hindsight/http"
)

func TestAnonymousRead(t *testing.T) {
	t.Parallel()
	get := func(t *testing.T, url, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, b := mustDo(t, c, req)
		return resp.StatusCode, string(b)
	}
	t.Run("Off", func(t *testing.T) {
		e := mustOpenUI(t, nil)
		if code, _ := get(t, e.url+"/api/v1/incidents/"+e.incident+"/postmortem.md", ""); code != http.StatusUnauthorized {
			t.Errorf("anonymous API read: %d, want 401", code)
		}
		if code, _ := get(t, e.url+"/incidents/"+e.incident, ""); code != http.StatusSeeOther {
			t.Errorf("anonymous page: %d, want 303 to sign in", code)
		}
	})
	t.Run("On", func(t *testing.T) {
		e := mustOpenUI(t, func(s *hhttp.Server) { s.AnonymousRead = true })
		if code, _ := get(t, e.url+"/api/v1/incidents/"+e.incident+"/postmortem.md", ""); code != http.StatusOK {
			t.Errorf("anonymous API read: %d, want 200", code)
		}
		if code, _ := get(t, e.url+"/api/v1/incidents", "hs_not-a-token"); code != http.StatusUnauthorized {
			t.Errorf("unknown token: %d, want 401 even with anonymous reads", code)
		}
		code, body := get(t, e.url+"/incidents/"+e.incident, "")
		if code != http.StatusOK || strings.Contains(body, `id="submit-review"`) || strings.Contains(body, `action="/incidents/`+e.incident+`/actions"`) {
			t.Errorf("anonymous page: %d, or it offers editor forms", code)
		}
	})
}

// TestAnonymousRead_APIMatchesUI: what the UI shows anonymous visitors
// (history, action items, the timeline, sign-offs, lint findings, the
// dashboard's figures), the API gives anonymous callers too; without
// anonymous reads neither does.
func TestAnonymousRead_APIMatchesUI(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{true, false} {
		e := mustOpenUI(t, func(s *hhttp.Server) { s.AnonymousRead = on })
		pairs := map[string]string{
			"/incidents/" + e.incident + "/history": "/api/v1/incidents/" + e.incident + "/revisions",
			"/actions":                              "/api/v1/actions",
			"/incidents/" + e.incident:              "/api/v1/incidents/" + e.incident + "/timeline",
			"/dashboard":                            "/api/v1/stats",
		}
		for page, api := range pairs {
			pageResp, _ := mustDo(t, noRedirect, mustRequest(t, e.url+page))
			apiResp, _ := mustDo(t, noRedirect, mustRequest(t, e.url+api))
			pageOpen, apiOpen := pageResp.StatusCode == http.StatusOK, apiResp.StatusCode == http.StatusOK
			if pageOpen != on || apiOpen != on {
				t.Errorf("anonymous_read=%v: page %s %d, API %s %d; want both %s", on, page, pageResp.StatusCode, api, apiResp.StatusCode,
					map[bool]string{true: "open", false: "closed"}[on])
			}
		}
		for _, api := range []string{"/api/v1/incidents/" + e.incident + "/signoffs", "/api/v1/incidents/" + e.incident + "/lint"} {
			if resp, _ := mustDo(t, noRedirect, mustRequest(t, e.url+api)); (resp.StatusCode == http.StatusOK) != on {
				t.Errorf("anonymous_read=%v: %s %d", on, api, resp.StatusCode)
			}
		}
	}
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// mustRequest returns an anonymous GET of url.
func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
