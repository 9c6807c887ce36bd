package http

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// narrativePage is the data of the one narrative editor: every section of
// the narrative in document order, each with its boxes and state.
type narrativePage struct {
	Incident *hindsight.Incident
	Sections []editorSection
	Version  int
	// Preview is set when the boxes show their rendered previews.
	Preview bool
	// Conflict names who saved the version the editor was not based on;
	// the boxes that differ then show the saved text beside the person's.
	Conflict string
	// Findings are the lint findings grouped by section (drafts only).
	Findings findingSummary
}

// editorSection is one section of the editor with its state.
type editorSection struct {
	narrativeSection
	State, StateLabel string
	Boxes             []editorBox
	// Findings counts the lint findings about this section.
	Findings int
}

// editorBox is one field of the editor: a Markdown text box, or the
// single-line question of a why.
type editorBox struct {
	Name, Label, Hint, Value string
	// Base is the digest of Value as the editor opened it.
	Base string
	// Line marks a single-line input (a why's question).
	Line    bool
	Preview template.HTML
	// Theirs is the text saved meanwhile when it differs from Value.
	Theirs   string
	Conflict bool
}

// uiNarrativePage shows the one editor of the whole narrative.
func (s *Server) uiNarrativePage(w http.ResponseWriter, r *http.Request, v *visitor) {
	pm, err := s.Incidents.FindPostmortem(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	if pm.Document.Version == 0 {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no post-mortem to edit", pm.Incident.ID))
		return
	}
	data := narrativePage{Incident: &pm.Incident, Version: pm.Document.Version,
		Sections: editorSections(&pm.Document.Narrative, false)}
	s.renderNarrative(w, r, v, http.StatusOK, "", pm, data)
}

// uiNarrativeSave previews or saves every section at once: one write of
// the narrative. Boxes left empty store the seed's placeholder, so the
// document still shows what is missing. Each box carries a digest of the
// text it was opened with: when someone saved meanwhile, boxes only one
// side changed merge, and boxes both changed show both texts.
func (s *Server) uiNarrativeSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	pm, err := s.Incidents.FindPostmortem(r.Context(), id)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.EINVALID, "the form lacks the document's version: reload the editor and try again"))
		return
	}
	n, conflicts := mergePosted(pm.Document.Narrative, version == pm.Document.Version, r.PostForm)
	data := narrativePage{Incident: &pm.Incident, Version: pm.Document.Version}
	if r.PostFormValue("do") == "preview" || len(conflicts) > 0 {
		data.Preview = r.PostFormValue("do") == "preview"
		data.Version = version
		data.Sections = editorSections(&n, data.Preview)
		status, problem := http.StatusOK, ""
		if len(conflicts) > 0 {
			data.Version, data.Conflict = pm.Document.Version, orUnknown(pm.Document.UpdatedBy)
			markConflicts(data.Sections, conflicts)
			status = http.StatusConflict
			problem = fmt.Sprintf("%s saved version %d of this post-mortem while you were editing version %d, and changed %s you changed too. Both texts are shown there: keep what you want and save again.",
				data.Conflict, pm.Document.Version, version, count(len(conflicts), "box", "boxes"))
		}
		s.renderNarrative(w, r, v, status, problem, pm, data)
		return
	}
	up, err := s.Review.UpdateNarrative(r.Context(), id, n, pm.Document.Version)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/incidents/%s/narrative?done=narrative&changed=%d", id, len(up.Changed)), http.StatusSeeOther)
		return
	}
	if code := hindsight.ErrorCode(err); code == hindsight.ECONFLICT || code == hindsight.EINVALID {
		data.Sections = editorSections(&n, false)
		s.renderNarrative(w, r, v, ErrorStatusCode(code), hindsight.ErrorMessage(err), pm, data)
		return
	}
	s.uiError(w, r, v, err)
}

// mergePosted applies the posted boxes to the saved narrative. A box the
// form did not carry keeps its saved value. When the form was based on the
// saved version (current), every posted box wins; otherwise a box wins
// only where the saved text is still the one the editor opened with
// (digest "base.NAME"), the saved text stays where the person left the box
// as opened, and the rest are conflicts: box name → the saved text.
func mergePosted(saved hindsight.Narrative, current bool, form map[string][]string) (hindsight.Narrative, map[string]string) {
	n := copyNarrative(saved)
	conflicts := map[string]string{}
	get := func(name string) (string, bool) {
		if vals := form[name]; len(vals) > 0 {
			return vals[0], true
		}
		return "", false
	}
	for _, sec := range narrativeSections {
		for _, b := range sectionBoxes(&saved, sec.Key) {
			posted, ok := get(b.Name)
			if !ok {
				continue
			}
			posted = strings.ReplaceAll(posted, "\r\n", "\n")
			base, hasBase := get("base." + b.Name)
			switch {
			case current, hasBase && digest(b.Value) == base, posted == b.Value:
			case hasBase && digest(posted) == base:
				continue // only the other side changed this box
			default:
				conflicts[b.Name] = b.Value
			}
			setBox(&n, sec.Key, b.Name, stored(posted, b.Hint))
		}
	}
	return n, conflicts
}

// markConflicts shows, beside each conflicting box, the text saved meanwhile.
func markConflicts(sections []editorSection, conflicts map[string]string) {
	for i := range sections {
		for j := range sections[i].Boxes {
			if theirs, ok := conflicts[sections[i].Boxes[j].Name]; ok {
				sections[i].Boxes[j].Theirs, sections[i].Boxes[j].Conflict = theirs, true
			}
		}
	}
}

// digest identifies the text a box was opened with.
func digest(text string) string {
	sum := sha256.Sum256([]byte(strings.ReplaceAll(text, "\r\n", "\n")))
	return hex.EncodeToString(sum[:12])
}

func orUnknown(who string) string {
	if who == "" {
		return "Someone"
	}
	return who
}

// renderNarrative renders the editor with the lint findings of a draft.
func (s *Server) renderNarrative(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, pm *hindsight.Postmortem, data narrativePage) {
	if pm.Document.Status == hindsight.DocDraft && s.Review != nil {
		findings, err := s.Review.LintPostmortem(r.Context(), pm.Incident.ID)
		if err != nil {
			s.uiError(w, r, v, err)
			return
		}
		data.Findings = s.summarizeFindings(pm, findings)
		for i := range data.Sections {
			data.Sections[i].Findings = data.Findings.count(data.Sections[i].Key)
		}
	}
	flash := ""
	if r.URL.Query().Get("done") == "narrative" {
		changed, _ := strconv.Atoi(r.URL.Query().Get("changed"))
		flash = "Narrative saved: " + count(changed, "field changed", "fields changed") + "."
	}
	s.render(w, r, status, "narrative", page{Title: "Edit the post-mortem · " + data.Incident.Title, Nav: "incidents",
		Visitor: v, Flash: flash, Problem: problem, Data: data})
}

// editorSections builds every section's boxes from n, with their states
// and, when asked, their rendered previews.
func editorSections(n *hindsight.Narrative, preview bool) []editorSection {
	out := make([]editorSection, 0, len(narrativeSections))
	for _, sec := range narrativeSections {
		es := editorSection{narrativeSection: sec, Boxes: sectionBoxes(n, sec.Key)}
		states := make([]string, 0, len(es.Boxes))
		for i, b := range es.Boxes {
			states = append(states, boxState(b.Value))
			es.Boxes[i].Base = digest(b.Value)
			if preview && b.Value != "" {
				es.Boxes[i].Preview = renderMarkdown(b.Value)
			}
		}
		es.State = sectionState(states)
		es.StateLabel = stateLabels[es.State]
		out = append(out, es)
	}
	return out
}

// sectionBoxes returns the boxes of one section with the values they show
// (empty where the stored value is still the seed's hint).
func sectionBoxes(n *hindsight.Narrative, key string) []editorBox {
	if key == "whys" {
		out := make([]editorBox, 0, 2*len(n.Whys))
		for i, w := range n.Whys {
			qHint, aHint := "", ""
			if i < len(seedNarrative.Whys) {
				qHint, aHint = seedNarrative.Whys[i].Prompt, seedNarrative.Whys[i].Answer
			}
			out = append(out,
				editorBox{Name: fmt.Sprintf("whys.%d.q", i), Label: fmt.Sprintf("%d. %s", i+1, w.Question), Hint: qHint, Value: shown(w.Prompt, qHint), Line: true},
				editorBox{Name: fmt.Sprintf("whys.%d.a", i), Label: "Answer", Hint: aHint, Value: shown(w.Answer, aHint)})
		}
		return out
	}
	fields := sectionFields(n, key)
	out := make([]editorBox, len(fields))
	for i, f := range fields {
		hint := seedHint(key, f.Label, i)
		out[i] = editorBox{Name: fmt.Sprintf("%s.%d", key, i), Label: f.Label, Hint: hint, Value: shown(f.Value, hint)}
	}
	return out
}

// setBox stores one box's value into n.
func setBox(n *hindsight.Narrative, key, name, value string) {
	var i int
	if key == "whys" {
		var part string
		if _, err := fmt.Sscanf(name, "whys.%d.%s", &i, &part); err != nil || i >= len(n.Whys) {
			return
		}
		if part == "q" {
			n.Whys[i].Prompt = value
		} else {
			n.Whys[i].Answer = value
		}
		return
	}
	if _, err := fmt.Sscanf(name[len(key):], ".%d", &i); err != nil {
		return
	}
	if t := texts(n, key); t != nil {
		*t = value
	} else if l := lists(n, key); l != nil && i < len(*l) {
		(*l)[i].Value = value
	}
}

// copyNarrative returns n with its own copies of the slices the editor
// writes, so that the stored narrative stays as it was.
func copyNarrative(n hindsight.Narrative) hindsight.Narrative {
	c := n
	c.Whys = append([]hindsight.Why(nil), n.Whys...)
	for _, sec := range narrativeSections {
		if l := lists(&c, sec.Key); l != nil {
			*l = append([]hindsight.Field(nil), *l...)
		}
	}
	return c
}
