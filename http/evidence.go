package http

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
)

// GraphCSP is the Content-Security-Policy of a graph served on its own: no
// script, no external resource, sandboxed, and only inline presentation
// attributes (the graphs carry no style element).
const GraphCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// maxChangeBody bounds a change's JSON: above the title limit, so that a
// too-long title is refused field by field (400), not cut off.
const maxChangeBody = 2 << 20

// registerEvidenceRoutes adds the graphs, changes and attachments routes.
func (s *Server) registerEvidenceRoutes() {
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/graphs/{file}", s.readable(s.handleGraph))
	s.mux.HandleFunc("POST /api/v1/changes", s.handleChangeCreate)
	s.mux.HandleFunc("GET /api/v1/changes", s.readable(s.handleChangeList))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/attachments", s.readable(s.handleAttachmentList))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/attachments", s.require(hindsight.RoleEditor, s.handleAttachmentCreate))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/attachments/{attachment}", s.readable(s.handleAttachmentGet))
}

// handleGraph serves one stored graph of an incident as SVG:
// GET /api/v1/incidents/{id}/graphs/error-ratio.svg. The drawing comes from
// the series stored with the impact, so it is the same after Prometheus
// has forgotten the data.
func (s *Server) handleGraph(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	if !ok {
		Error(w, r, hindsight.Errorf(hindsight.ENOTFOUND, "graphs are served as .svg, such as error-ratio.svg"))
		return
	}
	pm, err := s.Incidents.FindPostmortem(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	svg, err := GraphSVG(pm, name)
	if err != nil {
		Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Content-Security-Policy", GraphCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=60")
	_, _ = w.Write(svg)
}

// GraphSVG draws the named graph of pm's stored impact. Errors: ENOTFOUND
// when the impact is not measured or has no such graph.
func GraphSVG(pm *hindsight.Postmortem, name string) ([]byte, error) {
	if pm.Impact == nil {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no measured impact, so no graphs yet", pm.Incident.ID)
	}
	for _, in := range chart.ForImpact(*pm.Impact) {
		if in.Graph.Name == name {
			return chart.SVG(in), nil
		}
	}
	return nil, hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no graph %q", pm.Incident.ID, name)
}

// changeRequest is the body of POST /api/v1/changes.
type changeRequest struct {
	Service string `json:"service"`
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Author  string `json:"author"`
	// At is RFC 3339; empty means now.
	At string `json:"at"`
}

// handleChangeCreate records a deploy or configuration change from CI/CD.
// It takes the configured changes token (Authorization: Bearer) or an
// editor's credentials.
func (s *Server) handleChangeCreate(w http.ResponseWriter, r *http.Request) {
	if s.ChangesToken != "" && bearerMatches(r, s.ChangesToken) {
		ctx := hindsight.NewContextWithIdentity(r.Context(), hindsight.Identity{Name: "changes", Role: hindsight.RoleViewer, Method: "changes-token"})
		s.createChange(w, r.WithContext(ctx))
		return
	}
	s.require(hindsight.RoleEditor, s.createChange)(w, r)
}

// bearerMatches compares the request's bearer token with want in constant time.
func bearerMatches(r *http.Request, want string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) == 1
}

func (s *Server) createChange(w http.ResponseWriter, r *http.Request) {
	if s.Changes == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "changes are not available on this server"))
		return
	}
	var req changeRequest
	if err := decodeJSONLimit(r, &req, maxChangeBody); err != nil {
		Error(w, r, err)
		return
	}
	c := &hindsight.Change{Service: strings.TrimSpace(req.Service), Kind: hindsight.ChangeKind(req.Kind), Title: req.Title,
		URL: strings.TrimSpace(req.URL), Author: req.Author, At: s.Now().UTC()}
	if req.At != "" {
		at, err := time.Parse(time.RFC3339Nano, req.At)
		if err != nil {
			Error(w, r, hindsight.Errorf(hindsight.EINVALID, "invalid change: at: %q is not RFC 3339, such as 2025-09-30T00:24:00Z", req.At))
			return
		}
		c.At = at
	}
	if id, ok := hindsight.IdentityFromContext(r.Context()); ok {
		c.CreatedBy = id.Name
	}
	if err := s.Changes.CreateChange(r.Context(), c); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// handleChangeList lists reported changes: ?service= (repeatable), ?from=
// and ?to= (RFC 3339), latest first.
func (s *Server) handleChangeList(w http.ResponseWriter, r *http.Request) {
	if s.Changes == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "changes are not available on this server"))
		return
	}
	q := r.URL.Query()
	f := hindsight.ChangeFilter{Services: q["service"], Limit: hindsight.DefaultPageLimit}
	for _, p := range []struct {
		key string
		dst *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.key); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				Error(w, r, hindsight.Errorf(hindsight.EINVALID, "%s: %q is not RFC 3339", p.key, v))
				return
			}
			*p.dst = t
		}
	}
	out, err := s.Changes.FindChanges(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": out})
}
