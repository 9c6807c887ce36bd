package http

import (
	"context"
	"net/http"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// registerDistributionRoutes adds the distribution record of a post-mortem.
func (s *Server) registerDistributionRoutes() {
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/distribution", s.readable(s.handleDistribution))
}

// handleDistribution answers the ticks of the post-mortem's Distribution
// List: for each entry, its deliveries and when they were sent.
func (s *Server) handleDistribution(w http.ResponseWriter, r *http.Request) {
	pm, err := s.findDocumentedPostmortem(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	ticks, err := s.distributionTicks(r.Context(), pm)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incident_id": pm.Incident.ID, "approved_at": pm.Document.ApprovedAt, "entries": ticks})
}

// distributionTicks returns the ticks, each entry unsent when no
// distribution is configured.
func (s *Server) distributionTicks(ctx context.Context, pm *hindsight.Postmortem) ([]hindsight.DistributionTick, error) {
	if s.Distribution != nil {
		return s.Distribution.DistributionTicks(ctx, pm)
	}
	ticks := []hindsight.DistributionTick{}
	for _, item := range pm.Document.Narrative.Distribution {
		ticks = append(ticks, hindsight.DistributionTick{Label: item.Label, Deliveries: []hindsight.SentDelivery{},
			Note: "not sent: distribution is not configured"})
	}
	return ticks, nil
}

// distributionSinceApproval is the Markdown of the ticks shown under an
// approved document, apart from the record; "" when distribution is not
// configured.
func (s *Server) distributionSinceApproval(ctx context.Context, pm *hindsight.Postmortem) (string, error) {
	if !pm.Document.Closed() || s.Distribution == nil {
		return "", nil
	}
	ticks, err := s.distributionTicks(ctx, pm)
	if err != nil {
		return "", err
	}
	return postmortem.DistributionSinceApproval(*pm, ticks), nil
}
