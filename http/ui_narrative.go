package http

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
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

// seedNarrative is the narrative of a fresh draft: its values are the
// hints the editor shows in empty boxes.
var seedNarrative = postmortem.PlaceholderNarrative()

// hintPattern matches what is still a template hint inside a written text:
// a bracketed prompt that is not a Markdown link, a lone X/Y/Z figure, TBD.
var hintPattern = regexp.MustCompile(`\[[^\]^][^\]]*\](?:[^(:]|$)|\b[XYZ]\b|\bTBD\b`)

// Section states shown in the editor's navigation.
const (
	stateEmpty        = "empty"
	statePlaceholders = "placeholders"
	stateDone         = "done"
)

// stateLabels are the readable section states.
var stateLabels = map[string]string{stateEmpty: "empty", statePlaceholders: "has placeholders", stateDone: "done"}

// seedHint returns the seed's value of box i of a section, the editor's
// hint; label is the list label of that box (lists are matched by label, so
// an imported document's own labels get no hint).
func seedHint(key, label string, i int) string {
	seed := seedNarrative
	if t := texts(&seed, key); t != nil {
		return *t
	}
	if l := lists(&seed, key); l != nil {
		for _, f := range *l {
			if f.Label == label {
				return f.Value
			}
		}
	}
	return ""
}

// shown is what an editor box shows of a stored value: nothing when the
// value is still the seed's hint, which then shows as the box's hint.
func shown(value, hint string) string {
	if strings.TrimSpace(value) == strings.TrimSpace(hint) {
		return ""
	}
	return value
}

// stored is what a posted box value stores: the seed's hint when nothing
// was written, so that the document and lint still see the placeholder.
func stored(posted, hint string) string {
	posted = strings.ReplaceAll(posted, "\r\n", "\n")
	if strings.TrimSpace(posted) == "" {
		return hint
	}
	return posted
}

// boxState says whether a box as the editor shows it (the seed's hint
// already blanked) is empty, still holds a template hint inside what was
// written, or is written.
func boxState(shownValue string) string {
	switch {
	case strings.TrimSpace(shownValue) == "":
		return stateEmpty
	case hintPattern.MatchString(shownValue):
		return statePlaceholders
	}
	return stateDone
}

// sectionState combines its boxes' states: empty when nothing is written,
// done when everything is, otherwise "has placeholders".
func sectionState(states []string) string {
	count := map[string]int{}
	for _, s := range states {
		count[s]++
	}
	switch {
	case len(states) == 0 || count[stateDone] == len(states):
		return stateDone
	case count[stateEmpty] == len(states):
		return stateEmpty
	}
	return statePlaceholders
}
