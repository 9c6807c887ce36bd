package http

import (
	"html/template"
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// uiPreview returns the sanitized HTML of the posted Markdown "text", for
// the editor's live preview script. Without JavaScript, the editor's
// Preview button does the same on the server.
func (s *Server) uiPreview(w http.ResponseWriter, r *http.Request, v *visitor) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	text := r.PostFormValue("text")
	if previewRefusal(text) != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	_, _ = w.Write([]byte(previewMarkdown(text)))
}

// previewMarkdown renders one field as the editor previews it: the
// rendered Markdown, or, for text beyond what a field may hold, why it
// cannot be saved (it is not rendered: that is what costs).
func previewMarkdown(text string) template.HTML {
	if why := previewRefusal(text); why != "" {
		return template.HTML(`<p class="problem">` + template.HTMLEscapeString(why) + `</p>`)
	}
	return renderMarkdown(text)
}

// previewRefusal says why text cannot be saved as a narrative field, or "".
func previewRefusal(text string) string {
	var v hindsight.Validation
	v.CheckMarkdown("text", text)
	if err := v.Err("text"); err != nil {
		return hindsight.ErrorMessage(err)
	}
	return ""
}
