package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
	safemd "github.com/hindsight-sre/hindsight/markdown"
)

// registerExportRoutes adds the post-mortem's HTML and JSON forms beside
// its Markdown (GET /api/v1/incidents/{id}/postmortem.md), with the same
// access rules.
func (s *Server) registerExportRoutes() {
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/postmortem.html", s.readable(s.handlePostmortemHTML))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/postmortem.json", s.readable(s.handlePostmortemJSON))
}

// findDocumentedPostmortem returns the incident's post-mortem, or
// ENOTFOUND when the incident has no document.
func (s *Server) findDocumentedPostmortem(r *http.Request) (*hindsight.Postmortem, error) {
	pm, err := s.Incidents.FindPostmortem(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if pm.Document.Version == 0 {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no post-mortem: its severity %s is below the configured draft_min_severity", pm.Incident.ID, pm.Incident.Severity)
	}
	return pm, nil
}

// exportFileName is the document's file name with ext in place of ".md".
func exportFileName(pm *hindsight.Postmortem, ext string) string {
	return strings.TrimSuffix(hindsight.DocumentFileName(pm.Incident.StartedAt, pm.Incident.Title), ".md") + ext
}

// handlePostmortemHTML returns the post-mortem as a standalone, sanitized,
// printable HTML page: the Markdown document through the markdown package, served
// with a CSP that allows its one inline stylesheet and nothing else.
func (s *Server) handlePostmortemHTML(w http.ResponseWriter, r *http.Request) {
	pm, err := s.findDocumentedPostmortem(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	md, err := s.postmortemMarkdown(r.Context(), pm)
	if err != nil {
		Error(w, r, err)
		return
	}
	followUp, err := s.followUpSinceApproval(r.Context(), pm)
	if err != nil {
		Error(w, r, err)
		return
	}
	page, err := safemd.Page(fmt.Sprintf("Post-mortem: %s (%s)", pm.Incident.Title, pm.Incident.ID), append(md, followUp...))
	if err != nil {
		Error(w, r, err)
		return
	}
	page = chart.InlineGraphs(page, pm.Incident.ID, pm.Impact)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", safemd.PageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Disposition", `inline; filename="`+exportFileName(pm, ".html")+`"`)
	_, _ = w.Write(page)
}

// handlePostmortemJSON returns the stored post-mortem as JSON, with the
// configured objectives, the same document as "hindsight export INCIDENT-ID
// --format json".
func (s *Server) handlePostmortemJSON(w http.ResponseWriter, r *http.Request) {
	pm, err := s.findDocumentedPostmortem(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	if s.SLOFor != nil {
		pm.SLO = s.SLOFor(&pm.Incident)
	}
	out, err := json.MarshalIndent(pm, "", "  ")
	if err != nil {
		Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", `inline; filename="`+exportFileName(pm, ".json")+`"`)
	_, _ = w.Write(append(out, '\n'))
}
