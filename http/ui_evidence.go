package http

import (
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strconv"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
)

// evidenceView is the incident page's Evidence panel: the frozen graphs,
// the changes before the impact with a button each to record them as a
// suspected trigger, and the attachments with an upload form.
type evidenceView struct {
	Graphs       []graphView
	Code, Config []changeRow
	Attachments  []hindsight.Attachment
	// Limit is the attachment size limit, "10 MiB".
	Limit string
}

// graphView is one graph as an <img> with a data: URL of our own SVG.
type graphView struct {
	Name, Title string
	Src         template.URL
}

// changeRow is one change and the timeline event that records it as a
// suspected trigger, as the hidden fields of its one-click form.
type changeRow struct {
	hindsight.Change
	Time, Event, Actor, Action string
}

// newEvidenceView builds the Evidence panel of pm.
func (s *Server) newEvidenceView(pm *hindsight.Postmortem) evidenceView {
	ev := evidenceView{Attachments: pm.Attachments, Limit: formatSize(s.attachmentLimit())}
	if pm.Impact != nil {
		for _, in := range chart.ForImpact(*pm.Impact) {
			// The drawing is ours: numbers and escaped text only. An SVG
			// shown through <img> runs no script in any case.
			src := "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(chart.SVG(in))
			ev.Graphs = append(ev.Graphs, graphView{Name: in.Graph.Name, Title: in.Graph.Title, Src: template.URL(src)})
		}
	}
	for _, c := range pm.Changes {
		e := hindsight.SuspectEvent(pm.Incident.ID, &c)
		row := changeRow{Change: c, Time: e.Time.Format("2006-01-02T15:04"), Event: e.Event, Actor: e.Actor, Action: e.Action}
		if c.Kind.IsCode() {
			ev.Code = append(ev.Code, row)
		} else {
			ev.Config = append(ev.Config, row)
		}
	}
	return ev
}

// formatSize writes a byte count as "10 MiB", "512 KiB" or "900 bytes".
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// uiAttachmentAdd stores the file uploaded from the incident page's form.
// The form was parsed (with its CSRF token) by the UI handler, within the
// attachment limit plus room for the form.
func (s *Server) uiAttachmentAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	if s.Attachments == nil {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.EUNAVAILABLE, "attachments are not available on this server"))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) || hdr != nil && hdr.Size > s.attachmentLimit() {
			s.renderIncident(w, r, v, http.StatusRequestEntityTooLarge, "The file is larger than the attachment limit of "+formatSize(s.attachmentLimit())+".", nil)
			return
		}
		s.renderIncident(w, r, v, http.StatusBadRequest, "Choose a file to attach.", nil)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.attachmentLimit()+1))
	if err != nil || int64(len(data)) > s.attachmentLimit() {
		s.renderIncident(w, r, v, http.StatusRequestEntityTooLarge, "The file is larger than the attachment limit of "+formatSize(s.attachmentLimit())+".", nil)
		return
	}
	a := &hindsight.Attachment{IncidentID: id, Name: cleanFileName(hdr.Filename), ContentType: SniffType(data), Data: data}
	if err := s.Attachments.CreateAttachment(r.Context(), a); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=attachment#evidence", http.StatusSeeOther)
}

// uiAttachment serves an attachment to a signed-in visitor, exactly as
// GET /api/v1/incidents/{id}/attachments/{attachment} does for a token.
func (s *Server) uiAttachment(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.handleAttachmentGet(w, r)
}

// uiGraph serves a graph to a signed-in visitor, exactly as
// GET /api/v1/incidents/{id}/graphs/{file} does for a token.
func (s *Server) uiGraph(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.handleGraph(w, r)
}

// uiBodyLimit is the body limit of a UI write: the attachment limit plus
// room for the form for an upload, maxFormSize for any other form.
func (s *Server) uiBodyLimit(pattern string) int64 {
	if pattern == uiAttachmentPattern {
		return s.attachmentLimit() + multipartSlack
	}
	return maxFormSize
}

// uiAttachmentPattern is the upload form's route.
const uiAttachmentPattern = "POST /incidents/{id}/attachments"
