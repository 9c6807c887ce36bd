package http

import (
	"context"
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// ImpactComputer measures an incident's impact now and stores it.
type ImpactComputer interface {
	// ComputeImpact measures the incident's impact and stores it with its
	// retry state. Errors: ENOTFOUND (no such incident), ECONFLICT (its
	// post-mortem is APPROVED or ARCHIVED: move it back to DRAFT first),
	// EUNAVAILABLE.
	ComputeImpact(ctx context.Context, incidentID string) (*hindsight.ImpactRecord, error)
}

// registerImpactRoutes registers POST /api/v1/incidents/{id}/impact for
// editors and above.
func (s *Server) registerImpactRoutes() {
	s.mux.HandleFunc("POST /api/v1/incidents/{id}/impact", s.require(hindsight.RoleEditor, s.handleImpactCompute))
}

// handleImpactCompute measures the incident's impact now, stores it and
// returns the stored record: the figures, each measured with its query and
// range or "not measured: <reason>", and the retry state.
func (s *Server) handleImpactCompute(w http.ResponseWriter, r *http.Request) {
	if s.Impact == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "impact measurement is not available on this server"))
		return
	}
	rec, err := s.Impact.ComputeImpact(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}
