package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestServe_PlainHTTPHostname checks that sign-in works over plain HTTP on
// a host name with the default settings: cookies follow the request's
// scheme unless server.base_url is https://, and a form refused because
// the browser dropped its cookies says why and which setting decides.
func TestServe_PlainHTTPHostname(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, baseURL string
		secure        bool
	}{
		{"Unset", "", false},
		{"PlainHTTP", "http://hindsight.internal:8080", false},
		{"HTTPS", "https://hindsight.example.com", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) { m.Config.Server.BaseURL = tt.baseURL })
			req, _ := http.NewRequest(http.MethodGet, m.URL()+"/signin", nil)
			req.Host = "hindsight.internal:8080"
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			set := resp.Header.Get("Set-Cookie")
			if set == "" || strings.Contains(set, "Secure") != tt.secure {
				t.Fatalf("base_url %q: Set-Cookie %q, want Secure=%v", tt.baseURL, set, tt.secure)
			}
			// The browser kept no cookie (as over http:// with a Secure
			// one): the refusal explains.
			form := url.Values{"token": {"hs_x"}, "csrf_token": {"x"}}
			req, _ = http.NewRequest(http.MethodPost, m.URL()+"/signin", strings.NewReader(form.Encode()))
			req.Host = "hindsight.internal:8080"
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "server.base_url") || !strings.Contains(string(body), "none of Hindsight") {
				t.Fatalf("refused form: %d %s", resp.StatusCode, body)
			}
			if tt.secure != strings.Contains(string(body), "browsers drop Secure cookies over plain http://") {
				t.Errorf("the message does not say whether Secure cookies are the cause: %s", body)
			}
		})
	}
}
