package http

import (
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// The directory of people over the JSON API: what the /people pages show
// and their admin form does, for scripts that keep the directory in step
// with another one. An entry written here has the source "admin", as one
// saved on the page; the configuration's `people:` entries are written
// again at each start.

// errNoPeople answers when the server was built without a store.
var errNoPeople = hindsight.Errorf(hindsight.EUNAVAILABLE, "the directory of people is not available on this server")

// registerPeopleRoutes adds the directory's JSON API.
func (s *Server) registerPeopleRoutes() {
	s.mux.HandleFunc("GET /api/v1/people", s.readable(s.withDirectory(s.handlePeopleList)))
	s.mux.HandleFunc("GET /api/v1/people/{handle}", s.readable(s.withDirectory(s.handlePersonGet)))
	s.mux.HandleFunc("PUT /api/v1/people/{handle}", s.require(hindsight.RoleAdmin, s.withDirectory(s.handlePersonPut)))
	s.mux.HandleFunc("DELETE /api/v1/people/{handle}", s.require(hindsight.RoleAdmin, s.withDirectory(s.handlePersonDelete)))
}

// withDirectory answers 503 instead of calling h on a server without a
// store.
func (s *Server) withDirectory(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.UIStore == nil {
			Error(w, r, errNoPeople)
			return
		}
		h(w, r)
	}
}

// personRequest is the body of PUT /api/v1/people/{handle}: the entry
// whole (a field left out is cleared).
type personRequest struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	SlackID string `json:"slack_id"`
	Team    string `json:"team"`
}

// handlePeopleList lists the directory, by handle.
func (s *Server) handlePeopleList(w http.ResponseWriter, r *http.Request) {
	people, err := s.UIStore.FindPeople(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wholeList(people))
}

// handlePersonGet returns one entry; the handle compares as everywhere
// (case-insensitive, with or without "@").
func (s *Server) handlePersonGet(w http.ResponseWriter, r *http.Request) {
	p, err := s.UIStore.FindPersonByHandle(r.Context(), r.PathValue("handle"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// handlePersonPut adds or replaces an entry: 200 with it as stored.
func (s *Server) handlePersonPut(w http.ResponseWriter, r *http.Request) {
	var req personRequest
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	p := &hindsight.Person{Handle: hindsight.HandleName(r.PathValue("handle")), Name: req.Name, Email: req.Email,
		SlackID: req.SlackID, Team: req.Team, Source: hindsight.PersonFromAdmin}
	if err := s.UIStore.UpsertPerson(r.Context(), p); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// handlePersonDelete removes an entry: 204. Documents keep the handle as
// written; it is no longer a link.
func (s *Server) handlePersonDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.UIStore.DeletePerson(r.Context(), r.PathValue("handle")); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
