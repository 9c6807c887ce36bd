package http

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// MarkdownDocuments exports a post-mortem as the Markdown it was imported
// from (changes since applied) and imports an edited one, with the rules of
// "hindsight import" (importer.Service).
type MarkdownDocuments interface {
	// Export writes pm as Markdown, keeping an imported document as written.
	Export(ctx context.Context, pm hindsight.Postmortem, w io.Writer) error
	// Import applies an edited document to incident id. Errors: EINVALID,
	// ENOTFOUND, ECONFLICT (an APPROVED or ARCHIVED post-mortem; a
	// concurrent change).
	Import(ctx context.Context, id, path string, src []byte) (importer.Result, error)
}

// registerMarkdownImportRoute adds PUT …/postmortem.md: an editor sends a
// post-mortem edited in Markdown and the incident is brought in line with
// it, only what the edit changed being written.
func (s *Server) registerMarkdownImportRoute() {
	s.mux.HandleFunc("PUT /api/v1/incidents/{id}/postmortem.md", s.require(hindsight.RoleEditor, s.handlePostmortemMarkdownPut))
}

// markdownImportResponse is the answer of PUT …/postmortem.md.
type markdownImportResponse struct {
	IncidentID string `json:"incident_id"`
	// Result is "updated", or "skipped (unchanged)" when the document is
	// the one last imported.
	Result string `json:"result"`
}

// handlePostmortemMarkdownPut imports one edited Markdown document.
func (s *Server) handlePostmortemMarkdownPut(w http.ResponseWriter, r *http.Request) {
	if s.Documents == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "this server does not import Markdown documents"))
		return
	}
	src, err := io.ReadAll(http.MaxBytesReader(w, r.Body, postmortem.MaxDocumentSize))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		Error(w, r, hindsight.Errorf(hindsight.EINVALID, "the document is larger than %d MB: a post-mortem may be at most that", postmortem.MaxDocumentSize>>20))
		return
	case err != nil:
		Error(w, r, errBodyCut)
		return
	}
	id := r.PathValue("id")
	res, err := s.Documents.Import(r.Context(), id, fmt.Sprintf("PUT /api/v1/incidents/%s/postmortem.md", id), src)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, markdownImportResponse{IncidentID: id, Result: string(res)})
}

// documentMarkdown writes pm's document as Markdown: the imported document
// as written (with later changes applied) when Documents is set, else
// rendered. Every download of the document goes through it.
func (s *Server) documentMarkdown(ctx context.Context, w io.Writer, pm hindsight.Postmortem) error {
	if s.Documents != nil {
		return s.Documents.Export(ctx, pm, w)
	}
	return s.Render(w, pm)
}
