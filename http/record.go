package http

import (
	"bytes"
	"context"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// postmortemMarkdown returns a post-mortem's Markdown as every reader
// gets it (the API, the downloads, the pages): the document as approved,
// byte for byte, once it is APPROVED or ARCHIVED; else documentMarkdown,
// from what is stored, so that facts follow the incident.
func (s *Server) postmortemMarkdown(ctx context.Context, pm *hindsight.Postmortem) ([]byte, error) {
	if md, ok := pm.Record(); ok {
		return []byte(md), nil
	}
	var buf bytes.Buffer
	err := s.documentMarkdown(ctx, &buf, *pm)
	return buf.Bytes(), err
}

// recurrences returns the IDs of the incidents opened as recurrences of
// incidentID, newest first (at most one page).
func (s *Server) recurrences(ctx context.Context, incidentID string) ([]string, error) {
	incs, _, err := s.Incidents.FindIncidents(ctx, hindsight.IncidentFilter{RecurrenceOf: incidentID})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(incs))
	for i, inc := range incs {
		ids[i] = inc.ID
	}
	return ids, nil
}

// followUpSinceApproval returns the Markdown of what changed in a closed
// post-mortem's follow-up since approval, shown apart from the record; ""
// when nothing did.
func (s *Server) followUpSinceApproval(ctx context.Context, pm *hindsight.Postmortem) (string, error) {
	if !pm.Document.Closed() {
		return "", nil
	}
	recs, err := s.recurrences(ctx, pm.Incident.ID)
	if err != nil {
		return "", err
	}
	sent, err := s.distributionSinceApproval(ctx, pm)
	return postmortem.FollowUpSinceApproval(*pm, recs) + sent, err
}
