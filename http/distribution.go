package http

import (
	"context"
	"net/http"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/distribution"
)

// DistributionRecord reads when each entry of a post-mortem's
// Distribution List was sent (distribution.Record).
type DistributionRecord interface {
	Ticks(ctx context.Context, pm *hindsight.Postmortem) ([]distribution.Tick, error)
}

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
func (s *Server) distributionTicks(ctx context.Context, pm *hindsight.Postmortem) ([]distribution.Tick, error) {
	rec := s.Distribution
	if rec == nil {
		rec = &distribution.Record{Store: noDistributionRecords{}}
	}
	return rec.Ticks(ctx, pm)
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
	return distribution.Markdown(pm, ticks), nil
}

// noDistributionRecords stands for a server without distribution.
type noDistributionRecords struct{}

func (noDistributionRecords) FindDistributionRecords(context.Context, string) ([]hindsight.DistributionRecord, error) {
	return nil, nil
}

func (noDistributionRecords) FindApprovedSince(context.Context, time.Time) ([]string, error) {
	return nil, nil
}
