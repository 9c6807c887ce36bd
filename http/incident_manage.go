package http

import (
	"context"
	"net/http"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// IncidentManager manages incidents themselves: edit, declare, give a
// post-mortem, record responses; *review.Service implements it, for the
// JSON API and the UI alike.
type IncidentManager interface {
	// UpdateIncident patches an incident at expectedVersion.
	UpdateIncident(ctx context.Context, incidentID string, p hindsight.IncidentPatch, expectedVersion int) (*hindsight.Incident, error)
	// DeclareIncident opens an incident by hand.
	DeclareIncident(ctx context.Context, d hindsight.Declaration) (*hindsight.Incident, error)
	// CreatePostmortem gives an incident without one its draft post-mortem.
	CreatePostmortem(ctx context.Context, incidentID string) (*hindsight.Document, error)
	// Respond records an acknowledgement or mitigation by the context's identity.
	Respond(ctx context.Context, incidentID string, what hindsight.Response, at time.Time) (*hindsight.TimelineEvent, error)
}

// registerIncidentManageRoutes adds the routes that change incidents themselves.
func (s *Server) registerIncidentManageRoutes() {
	e := hindsight.RoleEditor
	s.mux.HandleFunc("POST /api/v1/incidents", s.require(e, s.handleIncidentDeclare))
	s.mux.HandleFunc("PATCH /api/v1/incidents/{id}", s.require(e, s.handleIncidentPatch))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/postmortem", s.require(e, s.handlePostmortemCreate))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/acknowledge", s.require(e, s.handleRespond(hindsight.Acknowledge)))
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/mitigate", s.require(e, s.handleRespond(hindsight.Mitigate)))
}

// linkRequest is one link of a PATCH: a label and its URL.
type linkRequest struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// incidentPatchRequest is the body of PATCH /api/v1/incidents/{id}.
type incidentPatchRequest struct {
	Title       *string             `json:"title"`
	Severity    *hindsight.Severity `json:"severity"`
	Summary     *string             `json:"summary"`
	Description *string             `json:"description"`
	Services    *[]string           `json:"services"`
	Regions     *[]string           `json:"regions"`
	Links       *[]linkRequest      `json:"links"`
	Version     int                 `json:"version"`
}

func (r *incidentPatchRequest) readVersion() int { return r.Version }

// patch returns the review patch the request asks for.
func (r *incidentPatchRequest) patch() hindsight.IncidentPatch {
	p := hindsight.IncidentPatch{Title: r.Title, Severity: r.Severity, Summary: r.Summary, Description: r.Description,
		Services: r.Services, Regions: r.Regions}
	if r.Links != nil {
		links := make([]hindsight.Link, len(*r.Links))
		for i, l := range *r.Links {
			links[i] = hindsight.Link{Kind: l.Label, URL: l.URL}
		}
		p.Links = &links
	}
	return p
}

// handleIncidentPatch edits the incident's own fields at the version the
// client read.
func (s *Server) handleIncidentPatch(w http.ResponseWriter, r *http.Request) {
	var req incidentPatchRequest
	if err := decodeVersioned(r, &req); err != nil {
		Error(w, r, err)
		return
	}
	inc, err := s.Review.UpdateIncident(r.Context(), r.PathValue("id"), req.patch(), req.Version)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inc)
}

// handleIncidentDeclare opens an incident by hand and answers 201 with it.
func (s *Server) handleIncidentDeclare(w http.ResponseWriter, r *http.Request) {
	var d hindsight.Declaration
	if err := decodeJSON(r, &d); err != nil {
		Error(w, r, err)
		return
	}
	inc, err := s.Review.DeclareIncident(r.Context(), d)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/incidents/"+inc.ID)
	writeJSON(w, http.StatusCreated, inc)
}

// handlePostmortemCreate gives an incident its draft post-mortem and
// answers 201 with the document.
func (s *Server) handlePostmortemCreate(w http.ResponseWriter, r *http.Request) {
	doc, err := s.Review.CreatePostmortem(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, doc)
}

// respondRequest is the optional body of …/acknowledge and …/mitigate.
type respondRequest struct {
	// At is when it happened; empty means now.
	At time.Time `json:"at"`
}

// handleRespond records an acknowledgement or a mitigation by the caller,
// now or at the time the body gives, and answers 201 with the event.
func (s *Server) handleRespond(what hindsight.Response) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req respondRequest
		if r.ContentLength != 0 {
			if err := decodeJSON(r, &req); err != nil {
				Error(w, r, err)
				return
			}
		}
		e, err := s.Review.Respond(r.Context(), r.PathValue("id"), what, req.At)
		if err != nil {
			Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, e)
	}
}
