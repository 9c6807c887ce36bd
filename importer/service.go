package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Service imports and exports one post-mortem's Markdown for the server,
// with the rules "hindsight import" and "hindsight export" follow.
type Service struct {
	Store hindsight.Store
	// Render writes a post-mortem as Markdown with the configured template
	// and objectives; nil means postmortem.Render with the default template.
	Render func(w io.Writer, pm hindsight.Postmortem) error
}

func (s *Service) render(w io.Writer, pm hindsight.Postmortem) error {
	if s.Render == nil {
		return postmortem.Render(w, pm, nil)
	}
	return s.Render(w, pm)
}

// Export writes pm as Markdown: the document it was imported from, with
// what changed in the store since applied to it, or pm rendered when it
// was never imported. Errors: the store's.
func (s *Service) Export(ctx context.Context, pm hindsight.Postmortem, w io.Writer) error {
	src, err := s.Store.FindImportSource(ctx, pm.Incident.ID)
	if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
		src, err = nil, nil
	}
	if err != nil {
		return err
	}
	return RenderKept(w, pm, src, s.render)
}

// RenderKept writes pm as Markdown keeping the document a person wrote.
// When src holds the Markdown pm was imported from, the change between the
// post-mortem as imported (src.Snapshot) and pm, both rendered, is applied
// to that Markdown line by line (postmortem.Merge3): an unchanged
// post-mortem gives the document back byte for byte, an edited one changes
// only the lines the edit touches. A document in another layout comes back
// as written while unchanged, and rendered in Hindsight's layout (its
// unknown sections appended) once the store changed it. Without a source,
// pm is rendered.
func RenderKept(w io.Writer, pm hindsight.Postmortem, src *hindsight.ImportSource, render func(io.Writer, hindsight.Postmortem) error) error {
	if src == nil || src.Markdown == "" || src.Snapshot == "" {
		return render(w, pm)
	}
	var snap hindsight.Postmortem
	if err := json.Unmarshal([]byte(src.Snapshot), &snap); err != nil {
		return render(w, pm)
	}
	snap.SLO = pm.SLO
	var base, theirs bytes.Buffer
	if err := render(&base, snap); err != nil {
		return err
	}
	if err := render(&theirs, pm); err != nil {
		return err
	}
	out := src.Markdown
	switch {
	case base.String() == theirs.String():
	case postmortem.IsHindsightLayout([]byte(src.Markdown)):
		out = postmortem.Merge3(src.Markdown, base.String(), theirs.String())
	default:
		out = theirs.String()
	}
	_, err := io.WriteString(w, out)
	return err
}

// Import parses src, a post-mortem edited outside Hindsight, and applies it
// to incident id as "hindsight import" would, recording path as its
// source. Errors: EINVALID (unreadable document, or one about another
// incident), ENOTFOUND (no such incident or no document), ECONFLICT (the
// post-mortem is APPROVED or ARCHIVED, a record; or a concurrent change).
func (s *Service) Import(ctx context.Context, id, path string, src []byte) (Result, error) {
	stored, err := s.Store.FindPostmortem(ctx, id)
	if err != nil {
		return "", err
	}
	if stored.Document.Version == 0 {
		return "", hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no post-mortem to update: create one first", id)
	}
	if IsRecord(stored.Document.Status) {
		return "", hindsight.Errorf(hindsight.ECONFLICT,
			"the post-mortem of %s is %s: an approved post-mortem is a record; reopen it for review first, then send the edited document", id, stored.Document.Status)
	}
	pm, err := postmortem.ParseWithOptions(src, postmortem.ParseOptions{DefaultStart: stored.Incident.StartedAt})
	if err != nil {
		return "", err
	}
	if !postmortem.IsHindsightLayout(src) {
		pm.Incident.ID = id // other layouts name no ID: the route does
	}
	if pm.Incident.ID != id {
		return "", hindsight.Errorf(hindsight.EINVALID,
			"the document is the post-mortem of %s, not of %s: send it to /api/v1/incidents/%s/postmortem.md", pm.Incident.ID, id, pm.Incident.ID)
	}
	if pm.Incident.Severity == "" {
		pm.Incident.Severity = stored.Incident.Severity
	}
	return Apply(ctx, s.Store, pm, Source{Path: path, Markdown: src})
}
