package http

import "net/http"

// uiPreview returns the sanitized HTML of the posted Markdown "text", for
// the editor's live preview script. Without JavaScript, the editor's
// Preview button does the same on the server.
func (s *Server) uiPreview(w http.ResponseWriter, r *http.Request, v *visitor) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(renderMarkdown(r.PostFormValue("text"))))
}
