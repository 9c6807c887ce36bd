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
