package http

import (
	"bytes"
	"log/slog"
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// The incident page's downloads answer to the session: they run the same
// handlers, and so the same renderers, as the API's
// /api/v1/incidents/{id}/postmortem.{md,html,json}, which keep taking API
// tokens. Reads change nothing, so they need no CSRF token.

// uiPostmortemMarkdown downloads the post-mortem as Markdown.
func (s *Server) uiPostmortemMarkdown(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.handlePostmortemMarkdown(w, r)
}

// uiPostmortemHTML opens the post-mortem as a standalone HTML page.
func (s *Server) uiPostmortemHTML(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.handlePostmortemHTML(w, r)
}

// uiPostmortemJSON downloads the stored post-mortem as JSON, figures at
// full precision.
func (s *Server) uiPostmortemJSON(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.handlePostmortemJSON(w, r)
}

// printPage is the data of the print view.
type printPage struct {
	PM       *hindsight.Postmortem
	Document any
	// Paper is "a4" or "letter": the stylesheet that sets the page size.
	Paper string
}

// uiPrint shows the post-mortem alone, for the browser's Print (or Save as
// PDF) on A4 or Letter paper: no navigation, panels or forms.
func (s *Server) uiPrint(w http.ResponseWriter, r *http.Request, v *visitor) {
	pm, err := s.findDocumentedPostmortem(r)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	md, err := s.postmortemMarkdown(r.Context(), pm)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data := printPage{PM: pm, Document: renderMarkdown(string(md)), Paper: "a4"}
	if r.URL.Query().Get("paper") == "letter" {
		data.Paper = "letter"
	}
	var buf bytes.Buffer
	if err := s.views["print"].ExecuteTemplate(&buf, "print.html", data); err != nil {
		slog.Error("ui render failed", "view", "print", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
