package http

import (
	"bytes"
	"context"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// postmortemMarkdown returns a post-mortem's Markdown: the document as
// approved, byte for byte, once it is APPROVED or ARCHIVED; else exported
// from what is stored (an imported document as written, changes since
// applied), so that facts follow the incident.
func (s *Server) postmortemMarkdown(ctx context.Context, pm *hindsight.Postmortem) ([]byte, error) {
	if md, ok := pm.Record(); ok {
		return []byte(md), nil
	}
	var buf bytes.Buffer
	var err error
	if s.Documents != nil {
		err = s.Documents.Export(ctx, *pm, &buf)
	} else {
		err = s.Render(&buf, *pm)
	}
	return buf.Bytes(), err
}

// renderedMarkdown returns the Markdown that pages and the HTML export
// show: the document as approved once it is APPROVED or ARCHIVED, else
// rendered from what is stored.
func (s *Server) renderedMarkdown(pm *hindsight.Postmortem) ([]byte, error) {
	if md, ok := pm.Record(); ok {
		return []byte(md), nil
	}
	var buf bytes.Buffer
	err := s.Render(&buf, *pm)
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
	return postmortem.FollowUpSinceApproval(*pm, recs), nil
}
