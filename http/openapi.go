package http

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the OpenAPI 3.1 description of the JSON API. The
// package's tests check it against the registered routes and against real
// answers, so it cannot drift from the handlers unnoticed.
//
//go:embed openapi.json
var openAPIDocument []byte

// registerOpenAPIRoutes serves the API's description to anyone: it holds
// no data.
func (s *Server) registerOpenAPIRoutes() {
	s.mux.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)
}

// handleOpenAPI writes the embedded OpenAPI document.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDocument)
}
