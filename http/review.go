package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
)

// ReviewService is the review workflow behind the JSON API and the web UI's
// forms, the one interface http drives it through; *review.Service
// implements it and holds every rule (who may approve, archive, sign).
// Writes record the request's identity in history.
type ReviewService interface {
	IncidentManager
	// TransitionDocument moves a post-mortem to another status.
	TransitionDocument(ctx context.Context, incidentID string, to hindsight.DocumentStatus, reason string) (*hindsight.Document, error)
	// TransitionIncident moves an incident to another status.
	TransitionIncident(ctx context.Context, incidentID string, to hindsight.IncidentStatus, reason string) (*hindsight.Incident, error)
	// UpdateNarrative replaces a narrative at expectedVersion.
	UpdateNarrative(ctx context.Context, incidentID string, n hindsight.Narrative, expectedVersion int) (*hindsight.NarrativeUpdate, error)
	// DismissPlaceholder removes a template placeholder row that does not apply.
	DismissPlaceholder(ctx context.Context, incidentID, key string, expectedVersion int) (*hindsight.NarrativeUpdate, error)
	// SignOff signs a review role as the context's identity.
	SignOff(ctx context.Context, incidentID string, role hindsight.SignOffRole) (*hindsight.SignOff, error)
	// SignOffs lists an incident's sign-offs.
	SignOffs(ctx context.Context, incidentID string) ([]*hindsight.SignOff, error)
	// Timeline lists an incident's timeline events.
	Timeline(ctx context.Context, incidentID string) ([]*hindsight.TimelineEvent, error)
	// AddTimelineEvent appends a timeline event.
	AddTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error
	// UpdateTimelineEvent replaces an event of the incident's timeline.
	UpdateTimelineEvent(ctx context.Context, incidentID string, id int64, e hindsight.TimelineEvent) (*hindsight.TimelineEvent, error)
	// Action returns one action item.
	Action(ctx context.Context, id int64) (*hindsight.ActionItem, error)
	// ListActions lists action items across incidents, overdue first.
	ListActions(ctx context.Context, q hindsight.ActionQuery) ([]*hindsight.ActionItem, int, error)
	// CreateAction adds a corrective action.
	CreateAction(ctx context.Context, incidentID string, a *hindsight.ActionItem) error
	// UpdateAction patches an action item at expectedVersion.
	UpdateAction(ctx context.Context, id int64, p hindsight.ActionPatch, expectedVersion int) (*hindsight.ActionItem, error)
	// LintPostmortem lists what keeps a post-mortem from going to review.
	LintPostmortem(ctx context.Context, incidentID string) ([]hindsight.Finding, error)
	// ComputeFollowUp computes and stores the 30-day follow-up.
	ComputeFollowUp(ctx context.Context, incidentID string) (*hindsight.FollowUp, error)
	// Revisions lists an incident's history.
	Revisions(ctx context.Context, incidentID string, p hindsight.Page) ([]*hindsight.Revision, int, error)
	// Comments lists an incident's comment threads, oldest first.
	Comments(ctx context.Context, incidentID string) ([]*hindsight.CommentThread, error)
	// AddComment stores a comment; request_changes sends the post-mortem
	// back to DRAFT.
	AddComment(ctx context.Context, incidentID string, c hindsight.Comment) (*hindsight.Comment, error)
	// ResolveComment resolves the thread a comment starts.
	ResolveComment(ctx context.Context, incidentID string, commentID int64) (*hindsight.Comment, error)
}

// maxJSONBody bounds the body of a JSON API request.
const maxJSONBody = 1 << 20

// list is the body of every paginated answer.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// wholeList answers an unpaged list, which hold everything, the way the store pages lists.
func wholeList[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: len(items), Offset: 0, Limit: len(items)}
}

// lintErrorResponse is the 409 answer to a submission that lint refused.
type lintErrorResponse struct {
	errorResponse
	Findings []hindsight.Finding `json:"findings"`
}

// reviewError writes err, with the findings of a refused submission.
func reviewError(w http.ResponseWriter, r *http.Request, err error) {
	var le *hindsight.LintError
	if errors.As(err, &le) {
		writeJSON(w, http.StatusConflict, lintErrorResponse{
			errorResponse: errorResponse{Error: le.Error(), Code: hindsight.ECONFLICT},
			Findings:      le.Findings,
		})
		return
	}
	Error(w, r, err)
}

// decodeJSON reads the request body into v strictly: unknown fields,
// trailing data, text that is not UTF-8 and a body over maxJSONBody are
// EINVALID errors; a body that did not arrive whole is EUNAVAILABLE (the
// client may send it again).
func decodeJSON(r *http.Request, v any) error { return decodeJSONLimit(r, v, maxJSONBody) }

// decodeJSONLimit is decodeJSON for a body of at most limit bytes.
func decodeJSONLimit(r *http.Request, v any, limit int64) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return errBodyCut
	}
	if int64(len(b)) > limit {
		return hindsight.Errorf(hindsight.EINVALID, "the JSON body is larger than %d bytes", limit)
	}
	if !utf8.Valid(b) {
		return hindsight.Errorf(hindsight.EINVALID, "the JSON body is not valid UTF-8: send text encoded as UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return hindsight.Errorf(hindsight.EINVALID, "cannot read the JSON body: %v", err)
	}
	if dec.More() {
		return hindsight.Errorf(hindsight.EINVALID, "cannot read the JSON body: it holds more than one value")
	}
	return nil
}

// registerReviewRoutes adds the review workflow's JSON API.
func (s *Server) registerReviewRoutes() {
	e := hindsight.RoleEditor
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/transitions", s.require(e, s.handleDocumentTransition))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/status", s.require(e, s.handleIncidentStatus))
	s.mux.HandleFunc("PUT /api/v1/incidents/{id}/narrative", s.require(e, s.handleNarrativePut))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/placeholders/dismiss", s.require(e, s.handlePlaceholderDismiss))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/signoffs", s.readable(s.handleSignOffList))
	// Editors may sign as author; the service asks approver for the rest.
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/signoffs", s.require(e, s.handleSignOffCreate))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/timeline", s.readable(s.handleTimelineList))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/timeline", s.require(e, s.handleTimelineAdd))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/lint", s.readable(s.handleLint))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/followup", s.require(e, s.handleFollowUp))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/revisions", s.readable(s.handleRevisions))
	s.registerActionRoutes(e)
}

// transitionRequest is the body of the two status routes.
type transitionRequest struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// handleDocumentTransition moves a post-mortem: {"to": "UNDER REVIEW"}.
// The review service checks the role the move needs.
func (s *Server) handleDocumentTransition(w http.ResponseWriter, r *http.Request) {
	var req transitionRequest
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	doc, err := s.Review.TransitionDocument(r.Context(), r.PathValue("id"), hindsight.DocumentStatus(req.To), req.Reason)
	if err != nil {
		reviewError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// handleIncidentStatus moves an incident: {"to": "RESOLVED"}.
func (s *Server) handleIncidentStatus(w http.ResponseWriter, r *http.Request) {
	var req transitionRequest
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	inc, err := s.Review.TransitionIncident(r.Context(), r.PathValue("id"), hindsight.IncidentStatus(req.To), req.Reason)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inc)
}

// narrativeRequest is the body of PUT …/narrative.
type narrativeRequest struct {
	Narrative hindsight.Narrative `json:"narrative"`
	Version   int                 `json:"version"`
}

// handleNarrativePut replaces the narrative at the version the client read.
func (s *Server) handleNarrativePut(w http.ResponseWriter, r *http.Request) {
	var req narrativeRequest
	if err := decodeVersioned(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	res, err := s.Review.UpdateNarrative(r.Context(), r.PathValue("id"), req.Narrative, req.Version)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// versioned is a request body that carries the version its sender read, so
// that a write made since is refused rather than overwritten.
type versioned interface {
	readVersion() int
}

func (r *narrativeRequest) readVersion() int   { return r.Version }
func (r *dismissRequest) readVersion() int     { return r.Version }
func (r *actionPatchRequest) readVersion() int { return r.Version }

// decodeVersioned reads the request body into v as decodeJSON does, and
// refuses a body without a version.
func decodeVersioned(r *http.Request, v versioned) error {
	if err := decodeJSON(r, v); err != nil {
		return err
	}
	if v.readVersion() < 1 {
		var bad hindsight.Validation
		bad.Add("version", "is required: send the version you read, so that a concurrent change is not overwritten")
		return bad.Err("request")
	}
	return nil
}

// dismissRequest names a placeholder row and the document version it was read at.
type dismissRequest struct {
	Key     string `json:"key"`
	Version int    `json:"version"`
}

// handlePlaceholderDismiss removes a template placeholder row ("Escalation |
// Manager | [If needed]") that does not apply to the incident.
func (s *Server) handlePlaceholderDismiss(w http.ResponseWriter, r *http.Request) {
	var req dismissRequest
	if err := decodeVersioned(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	res, err := s.Review.DismissPlaceholder(r.Context(), r.PathValue("id"), req.Key, req.Version)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// handleSignOffList lists the sign-offs, voided ones with their reason.
func (s *Server) handleSignOffList(w http.ResponseWriter, r *http.Request) {
	items, err := s.Review.SignOffs(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wholeList(items))
}

// handleSignOffCreate signs a role as the caller: {"role": "technical_review"}.
func (s *Server) handleSignOffCreate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Role hindsight.SignOffRole `json:"role"`
	}
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	so, err := s.Review.SignOff(r.Context(), r.PathValue("id"), req.Role)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, so)
}

// handleTimelineList lists the timeline, oldest first.
func (s *Server) handleTimelineList(w http.ResponseWriter, r *http.Request) {
	items, err := s.Review.Timeline(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wholeList(items))
}

// timelineRequest is the body of POST …/timeline.
type timelineRequest struct {
	Time   time.Time           `json:"time"`
	Type   hindsight.EventType `json:"type"`
	Phase  hindsight.Phase     `json:"phase"`
	Event  string              `json:"event"`
	Actor  string              `json:"actor"`
	Action string              `json:"action"`
}

// handleTimelineAdd appends a timeline event.
func (s *Server) handleTimelineAdd(w http.ResponseWriter, r *http.Request) {
	var req timelineRequest
	if err := decodeJSON(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	e := &hindsight.TimelineEvent{IncidentID: r.PathValue("id"), Time: req.Time, Type: req.Type, Phase: req.Phase,
		Event: req.Event, Actor: req.Actor, Action: req.Action, Source: "user"}
	if err := s.Review.AddTimelineEvent(r.Context(), e); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// lintResponse is the body of GET …/lint.
type lintResponse struct {
	// Clean is true when nothing keeps the post-mortem from review:
	// warnings (figure-mismatch) may remain.
	Clean    bool                `json:"clean"`
	Findings []hindsight.Finding `json:"findings"`
}

// handleLint lists what keeps the post-mortem from going to review.
func (s *Server) handleLint(w http.ResponseWriter, r *http.Request) {
	findings, err := s.Review.LintPostmortem(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, lintResponse{Clean: len(lint.Errors(findings)) == 0, Findings: findings})
}

// handleFollowUp computes the 30-day follow-up now.
func (s *Server) handleFollowUp(w http.ResponseWriter, r *http.Request) {
	f, err := s.Review.ComputeFollowUp(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// handleRevisions lists the incident's history, oldest first.
func (s *Server) handleRevisions(w http.ResponseWriter, r *http.Request) {
	var v hindsight.Validation
	p := hindsight.Page{Offset: intParam(r.URL.Query(), "offset", &v), Limit: intParam(r.URL.Query(), "limit", &v)}
	if err := v.Err("query"); err != nil {
		Error(w, r, err)
		return
	}
	items, total, err := s.Review.Revisions(r.Context(), r.PathValue("id"), p)
	if err != nil {
		Error(w, r, err)
		return
	}
	p = p.Normalize()
	writeJSON(w, http.StatusOK, list[*hindsight.Revision]{Items: items, Total: total, Offset: p.Offset, Limit: p.Limit})
}
