package http

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

// editPage is the data of a narrative section's editor.
type editPage struct {
	Incident *hindsight.Incident
	Section  narrativeSection
	Fields   []editField
	Version  int
	Preview  bool
}

// editField is one box of the editor with its preview.
type editField struct {
	sectionField
	Name string
	// Placeholder is the seed's hint, shown in the box while it is empty.
	Placeholder string
	Preview     template.HTML
}

// uiEditPage shows the editor of one narrative section.
func (s *Server) uiEditPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	sec, err := findSection(r.PathValue("section"))
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	pm, err := s.Incidents.FindPostmortem(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	if pm.Document.Version == 0 {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no post-mortem to edit", pm.Incident.ID))
		return
	}
	s.renderEdit(w, r, v, http.StatusOK, "", editPage{Incident: &pm.Incident, Section: sec, Version: pm.Document.Version,
		Fields: editFields(sec.Key, sectionFields(&pm.Document.Narrative, sec.Key), false)})
}

// uiEditSave previews or saves a narrative section. Saving goes through the
// workflow, which voids sign-offs given before the change.
func (s *Server) uiEditSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	sec, err := findSection(r.PathValue("section"))
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	id := r.PathValue("id")
	doc, err := s.UIStore.FindDocument(r.Context(), id)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	n := doc.Narrative
	fields := sectionFields(&n, sec.Key)
	setSection(&n, sec.Key, func(i int) string { return stored(r.PostFormValue(boxName(i)), fieldHint(sec.Key, fields, i)) })
	data := editPage{Section: sec, Version: version, Fields: editFields(sec.Key, sectionFields(&n, sec.Key), true)}
	if r.PostFormValue("do") == "preview" {
		data.Preview = true
		s.renderEditFor(w, r, v, http.StatusOK, "", id, data)
		return
	}
	_, err = s.Review.UpdateNarrative(r.Context(), id, n, version)
	s.finishEdit(w, r, v, err, "/incidents/"+id+"?done=narrative#narrative", func(status int, problem string) {
		s.renderEditFor(w, r, v, status, problem, id, data)
	})
}

// editFields names the boxes, blanks those still holding the seed's hint
// (the hint shows as their placeholder) and renders previews when asked.
func editFields(key string, fields []sectionField, preview bool) []editField {
	out := make([]editField, len(fields))
	for i, f := range fields {
		hint := fieldHint(key, fields, i)
		f.Value = shown(f.Value, hint)
		out[i] = editField{sectionField: f, Name: boxName(i), Placeholder: hint}
		if preview {
			out[i].Preview = previewMarkdown(f.Value)
		}
	}
	return out
}

// fieldHint is the seed's hint of box i of a section's editor.
func fieldHint(key string, fields []sectionField, i int) string {
	if key == "whys" {
		if i < len(seedNarrative.Whys) {
			return seedNarrative.Whys[i].Answer
		}
		return ""
	}
	return seedHint(key, fields[i].Label, i)
}

func (s *Server) renderEditFor(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem, id string, data editPage) {
	inc, err := s.Incidents.FindIncidentByID(r.Context(), id)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data.Incident = inc
	s.renderEdit(w, r, v, status, problem, data)
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, data editPage) {
	s.render(w, r, status, "edit", page{Title: data.Section.Label + " · " + data.Incident.Title, Nav: "incidents",
		Visitor: v, Problem: problem, Data: data})
}
