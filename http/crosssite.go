package http

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// Cross-site writes to the JSON API. A browser attaches whatever
// authenticates its user to any request a page of another site makes it
// send: a reverse proxy's sign-in cookie becomes the proxy's identity
// header, so a form on evil.example that posts text/plain to the API would
// write as the signed-in user. Bearer tokens are the exception: a browser
// never adds an Authorization header on its own. So every unsafe API
// request authenticated any other way must
//
//   - come from this site: Sec-Fetch-Site, when the browser sends it, is
//     same-origin or none (typed or bookmarked, not sent by a page); without
//     it, an Origin header must be this server's origin (server.base_url,
//     else the request's own Host);
//   - carry its body in the route's media type: application/json, which no
//     form can send and no page of another site can send without a CORS
//     preflight that the API does not answer, except on the routes listed
//     in writeBodyTypes.

// EMEDIATYPE is the code of a write whose body is not in a media type the
// route reads.
const EMEDIATYPE = "unsupported_media_type"

// writeBodyTypes names the body media type of the write routes (by mux
// pattern) whose body is not JSON.
var writeBodyTypes = map[string]string{
	"PUT /api/v1/incidents/{id}/postmortem.md": "text/markdown",
	"POST /api/v1/incidents/{id}/attachments":  "multipart/form-data",
}

// safeMethod reports whether a request cannot change anything.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkBrowserWrite refuses an unsafe API request by id that a page of
// another site may have made a browser send (EFORBIDDEN), or whose body is
// not JSON (EMEDIATYPE). Bearer-token requests pass.
func (s *Server) checkBrowserWrite(r *http.Request, id hindsight.Identity) error {
	if safeMethod(r.Method) || id.Method == "token" {
		return nil
	}
	if err := s.checkSameSite(r); err != nil {
		return err
	}
	return checkBodyType(r)
}

// checkSameSite implements the first rule: Sec-Fetch-Site, else Origin.
func (s *Server) checkSameSite(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		if site == "same-origin" || site == "none" {
			return nil
		}
		return hindsight.Errorf(hindsight.EFORBIDDEN,
			"cross-site request refused: the browser says it came from a %s page (Sec-Fetch-Site); the API takes writes from this site's pages or with an API token", site)
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil // not sent by a browser page; the JSON rule still applies
	}
	if want := s.origin(r); !strings.EqualFold(origin, want) && !sameHostOrigin(origin, want) {
		return hindsight.Errorf(hindsight.EFORBIDDEN,
			"cross-site request refused: Origin %q is not this server (%s); the API takes writes from this site's pages or with an API token", origin, want)
	}
	return nil
}

// origin is the origin browsers' requests to this server come from:
// server.base_url's scheme and host, or the request's own Host.
func (s *Server) origin(r *http.Request) string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		return strings.ToLower(u.Scheme + "://" + u.Host)
	}
	return "//" + strings.ToLower(r.Host)
}

// sameHostOrigin compares an Origin with an origin of the form "//host"
// (no base URL configured): only the host and port must match, since the
// scheme a browser used is not known behind a proxy.
func sameHostOrigin(origin, want string) bool {
	host, ok := strings.CutPrefix(want, "//")
	if !ok {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}

// checkBodyType implements the second rule: a write with a body, or with
// any Content-Type, must say the route's media type (application/json
// unless writeBodyTypes says otherwise).
func checkBodyType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 && len(r.TransferEncoding) == 0 {
		return nil
	}
	want, ok := writeBodyTypes[r.Pattern]
	if !ok {
		want = "application/json"
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == want {
		return nil
	}
	return hindsight.Errorf(EMEDIATYPE, "send the body as Content-Type: %s, not %q", want, ct)
}
