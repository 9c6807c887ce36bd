package http

import (
	"net/http"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

// errNoComments answers when the server was built without comments.
var errNoComments = hindsight.Errorf(hindsight.EUNAVAILABLE, "comments are not available on this server")

// registerCommentRoutes adds the comments' JSON API.
func (s *Server) registerCommentRoutes() {
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/comments", s.readable(s.handleCommentList))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/comments", s.require(hindsight.RoleEditor, s.handleCommentCreate))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/comments/{comment}/resolve", s.require(hindsight.RoleEditor, s.handleCommentResolve))
}

// commentRequest is the body of POST /api/v1/incidents/{id}/comments.
type commentRequest struct {
	Body     string                `json:"body"`
	Section  string                `json:"section"`
	ParentID int64                 `json:"parent_id"`
	Kind     hindsight.CommentKind `json:"kind"`
}

// handleCommentList lists an incident's comment threads.
func (s *Server) handleCommentList(w http.ResponseWriter, r *http.Request) {
	if s.Review == nil {
		Error(w, r, errNoComments)
		return
	}
	threads, err := s.Review.Comments(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wholeList(threads))
}

// handleCommentCreate stores a comment: 201 with the comment.
func (s *Server) handleCommentCreate(w http.ResponseWriter, r *http.Request) {
	if s.Review == nil {
		Error(w, r, errNoComments)
		return
	}
	var req commentRequest
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	c, err := s.Review.AddComment(r.Context(), r.PathValue("id"),
		hindsight.Comment{Body: req.Body, Section: req.Section, ParentID: req.ParentID, Kind: req.Kind})
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// handleCommentResolve resolves a thread: 200 with its first comment.
func (s *Server) handleCommentResolve(w http.ResponseWriter, r *http.Request) {
	if s.Review == nil {
		Error(w, r, errNoComments)
		return
	}
	id, err := commentID(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	c, err := s.Review.ResolveComment(r.Context(), r.PathValue("id"), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// commentID reads the {comment} path value. Errors: ENOTFOUND.
func commentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("comment"), 10, 64)
	if err != nil || id <= 0 {
		return 0, hindsight.Errorf(hindsight.ENOTFOUND, "no comment %q", r.PathValue("comment"))
	}
	return id, nil
}
