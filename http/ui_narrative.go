package http

import (
	"fmt"

	"github.com/hindsight-sre/hindsight"
)

// narrativeSection is one part of the narrative that the editor edits on
// its own page: a Markdown text, a labelled list or the 5 whys.
type narrativeSection struct {
	Key, Label string
}

// narrativeSections lists the editable sections in document order.
var narrativeSections = []narrativeSection{
	{"impact", "Impact"}, {"root_cause", "Root cause"}, {"resolution", "Resolution"},
	{"business_impact", "Business impact"}, {"data_sources", "Data sources"}, {"whys", "5 whys"},
	{"contributing_factors", "Contributing factors"}, {"went_well", "What went well"},
	{"could_improve", "What could improve"}, {"technical_lessons", "Technical lessons"},
	{"process_lessons", "Process lessons"}, {"organizational_lessons", "Organizational lessons"},
	{"relevant_links", "Relevant links"}, {"evidence", "Evidence"}, {"external_communication", "External communication"},
}

// sectionField is one text box of a section's editor.
type sectionField struct {
	// Label names the box (a list label or a why question); "" for a
	// section that is a single text.
	Label, Hint, Value string
}

// findSection returns the section named key. Errors: ENOTFOUND.
func findSection(key string) (narrativeSection, error) {
	for _, s := range narrativeSections {
		if s.Key == key {
			return s, nil
		}
	}
	return narrativeSection{}, hindsight.Errorf(hindsight.ENOTFOUND, "no narrative section %q", key)
}

// texts returns a pointer to the section's text, or nil for a list.
func texts(n *hindsight.Narrative, key string) *string {
	switch key {
	case "impact":
		return &n.Impact
	case "root_cause":
		return &n.RootCause
	case "resolution":
		return &n.Resolution
	case "data_sources":
		return &n.DataSources
	}
	return nil
}

// lists returns a pointer to the section's labelled list, or nil.
func lists(n *hindsight.Narrative, key string) *[]hindsight.Field {
	m := map[string]*[]hindsight.Field{
		"business_impact": &n.BusinessImpact, "contributing_factors": &n.ContributingFactors, "went_well": &n.WentWell,
		"could_improve": &n.CouldImprove, "technical_lessons": &n.TechnicalLessons, "process_lessons": &n.ProcessLessons,
		"organizational_lessons": &n.OrganizationalLessons, "relevant_links": &n.RelevantLinks, "evidence": &n.Evidence,
		"external_communication": &n.ExternalCommunication,
	}
	return m[key]
}

// sectionFields returns the text boxes of a section with their values.
func sectionFields(n *hindsight.Narrative, key string) []sectionField {
	if t := texts(n, key); t != nil {
		return []sectionField{{Value: *t}}
	}
	if key == "whys" {
		out := make([]sectionField, len(n.Whys))
		for i, w := range n.Whys {
			out[i] = sectionField{Label: w.Question, Hint: w.Prompt, Value: w.Answer}
		}
		return out
	}
	l := lists(n, key)
	out := make([]sectionField, len(*l))
	for i, f := range *l {
		out[i] = sectionField{Label: f.Label, Value: f.Value}
	}
	return out
}

// setSection writes the values of a section's boxes back into n; get
// returns the value posted for box i.
func setSection(n *hindsight.Narrative, key string, get func(i int) string) {
	if t := texts(n, key); t != nil {
		*t = get(0)
		return
	}
	if key == "whys" {
		for i := range n.Whys {
			n.Whys[i].Answer = get(i)
		}
		return
	}
	l := lists(n, key)
	for i := range *l {
		(*l)[i].Value = get(i)
	}
}

// boxName is the form field of box i.
func boxName(i int) string { return fmt.Sprintf("value_%d", i) }
