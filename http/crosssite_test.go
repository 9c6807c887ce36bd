package http_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// formAsJSON is what a text/plain form of another site posts: one field
// whose name and value together spell a JSON object.
const formAsJSON = `{"time":"2025-09-30T00:40:00Z","type":"finding","event":"Forged","actor":"evil","action":"="}`

// TestAPI_CrossSiteWrites sends the API writes a page of another site can
// make a browser send through a trusted proxy (the proxy adds the user's
// identity header whoever made the browser send the request), on both
// engines: each is refused and nothing is stored. JSON writes from this
// site, from clients that are not browsers, and with bearer tokens work.
func TestAPI_CrossSiteWrites(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		ctx := context.Background()
		srv := hhttp.NewServer()
		srv.Store, srv.Incidents, srv.Tokens, srv.UIStore, srv.Sessions = store, store, store, store, store
		srv.Render = func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
		srv.Review = review.NewService(store, hindsight.DefaultSignOffPolicy())
		srv.BaseURL = "https://hindsight.example.com"
		srv.ProxyAuth = hhttp.ProxyAuth{
			Trusted:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
			Roles:       map[string]hindsight.Role{"ana@example.com": hindsight.RoleEditor},
			DefaultRole: hindsight.RoleViewer,
		}
		id := mustCreateDraft(t, store, "HighAPIErrorRate", "API error rate above 5%")
		token := mustCreateToken(t, store, "ci", hindsight.RoleEditor)
		events := func() int {
			t.Helper()
			evs, err := store.FindTimeline(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		json := `{"time":"2025-09-30T00:40:00Z","type":"finding","event":"Checked","actor":"ana","action":"looked"}`
		proxied := http.Header{"X-Forwarded-Email": {"ana@example.com"}}
		with := func(h http.Header, kv ...string) http.Header {
			out := h.Clone()
			for i := 0; i+1 < len(kv); i += 2 {
				out.Set(kv[i], kv[i+1])
			}
			return out
		}
		tests := []struct {
			name   string
			header http.Header
			body   string
			status int
		}{
			{"CrossSiteTextPlainForm", with(proxied, "Content-Type", "text/plain", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), formAsJSON, http.StatusForbidden},
			{"SameSiteOtherOrigin", with(proxied, "Content-Type", "application/json", "Origin", "https://blog.example.com", "Sec-Fetch-Site", "same-site"), json, http.StatusForbidden},
			{"CrossSiteJSONFetch", with(proxied, "Content-Type", "application/json", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), json, http.StatusForbidden},
			{"OldBrowserOtherOrigin", with(proxied, "Content-Type", "text/plain", "Origin", "https://evil.example"), formAsJSON, http.StatusForbidden},
			{"OldBrowserNullOrigin", with(proxied, "Content-Type", "application/json", "Origin", "null"), json, http.StatusForbidden},
			{"OldBrowserOriginOnOtherPort", with(proxied, "Content-Type", "application/json", "Origin", "https://hindsight.example.com:8443"), json, http.StatusForbidden},
			{"SameOriginTextPlain", with(proxied, "Content-Type", "text/plain", "Sec-Fetch-Site", "same-origin"), formAsJSON, http.StatusUnsupportedMediaType},
			{"UrlencodedForm", with(proxied, "Content-Type", "application/x-www-form-urlencoded"), "a=b", http.StatusUnsupportedMediaType},
			{"MultipartForm", with(proxied, "Content-Type", "multipart/form-data; boundary=x"), "--x--", http.StatusUnsupportedMediaType},
			{"NoContentType", proxied, json, http.StatusUnsupportedMediaType},
			{"SameOriginJSON", with(proxied, "Content-Type", "application/json; charset=utf-8", "Sec-Fetch-Site", "same-origin", "Origin", "https://hindsight.example.com"), json, http.StatusCreated},
			{"OldBrowserSameOrigin", with(proxied, "Content-Type", "application/json", "Origin", "https://hindsight.example.com"), json, http.StatusCreated},
			{"NotABrowserJSON", with(proxied, "Content-Type", "application/json"), json, http.StatusCreated},
			{"BearerTokenIsExempt", http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"text/plain"}, "Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}, json, http.StatusCreated},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := events()
				r := httptest.NewRequest(http.MethodPost, "/api/v1/incidents/"+id+"/timeline", strings.NewReader(tt.body))
				r.RemoteAddr = "10.0.0.7:4242"
				r.Header = tt.header
				w := httptest.NewRecorder()
				srv.Handler().ServeHTTP(w, r)
				if w.Code != tt.status {
					t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
				}
				stored := events() - before
				if tt.status >= 400 {
					if stored != 0 || !strings.Contains(w.Body.String(), `"error"`) {
						t.Errorf("refused write stored %d events; answer %s", stored, w.Body)
					}
				} else if stored != 1 {
					t.Errorf("accepted write stored %d events", stored)
				}
			})
		}
		t.Run("OtherBodyTypes", func(t *testing.T) {
			doc := MustGet(t, srv.Handler(), "/api/v1/incidents/"+id+"/postmortem.md", token)
			for _, tt := range []struct {
				name, method, path, ctype string
				header                    http.Header
				body                      string
				refused                   int
			}{
				{"MarkdownAsTextPlain", http.MethodPut, "/postmortem.md", "text/plain", nil, doc, http.StatusUnsupportedMediaType},
				{"MarkdownAsForm", http.MethodPut, "/postmortem.md", "application/x-www-form-urlencoded", nil, doc, http.StatusUnsupportedMediaType},
				{"MarkdownCrossSite", http.MethodPut, "/postmortem.md", "text/markdown", http.Header{"Sec-Fetch-Site": {"cross-site"}}, doc, http.StatusForbidden},
				{"MarkdownSameOrigin", http.MethodPut, "/postmortem.md", "text/markdown; charset=utf-8", http.Header{"Sec-Fetch-Site": {"same-origin"}}, doc, 0},
				{"UploadAsJSON", http.MethodPost, "/attachments", "application/json", nil, "{}", http.StatusUnsupportedMediaType},
				{"UploadCrossSite", http.MethodPost, "/attachments", "multipart/form-data; boundary=x", http.Header{"Origin": {"https://evil.example"}}, "--x--", http.StatusForbidden},
				{"UploadSameOrigin", http.MethodPost, "/attachments", "multipart/form-data; boundary=x", http.Header{"Sec-Fetch-Site": {"same-origin"}}, "--x--", 0},
			} {
				r := httptest.NewRequest(tt.method, "/api/v1/incidents/"+id+tt.path, strings.NewReader(tt.body))
				r.RemoteAddr = "10.0.0.7:4242"
				r.Header = with(proxied, "Content-Type", tt.ctype)
				for k, v := range tt.header {
					r.Header[k] = v
				}
				w := httptest.NewRecorder()
				srv.Handler().ServeHTTP(w, r)
				switch {
				case tt.refused != 0 && w.Code != tt.refused:
					t.Errorf("%s: status %d, want %d: %s", tt.name, w.Code, tt.refused, w.Body)
				case tt.refused == 0 && (w.Code == http.StatusUnsupportedMediaType || w.Code == http.StatusForbidden):
					t.Errorf("%s: refused with %d: %s", tt.name, w.Code, w.Body)
				}
			}
		})
		t.Run("NoBaseURLComparesHost", func(t *testing.T) {
			srv.BaseURL = ""
			defer func() { srv.BaseURL = "https://hindsight.example.com" }()
			for origin, want := range map[string]int{"http://hs.internal:8080": http.StatusCreated, "http://evil.example:8080": http.StatusForbidden} {
				r := httptest.NewRequest(http.MethodPost, "http://hs.internal:8080/api/v1/incidents/"+id+"/timeline", strings.NewReader(json))
				r.RemoteAddr = "10.0.0.7:4242"
				r.Header = with(proxied, "Content-Type", "application/json", "Origin", origin)
				w := httptest.NewRecorder()
				srv.Handler().ServeHTTP(w, r)
				if w.Code != want {
					t.Errorf("Origin %s: status %d, want %d: %s", origin, w.Code, want, w.Body)
				}
			}
		})
	})
}

// MustGet reads path from h with a bearer token and returns the body.
func MustGet(tb testing.TB, h http.Handler, path, token string) string {
	tb.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	return w.Body.String()
}
