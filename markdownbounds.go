package hindsight

import (
	"fmt"
	"strings"
)

// Bounds on Markdown that people and imports store. Rendering Markdown
// costs time quadratic in how deeply blocks nest and in how many link
// openers a paragraph leaves unclosed: 64 KiB of ">" took seconds on every
// view. Within these bounds any field renders in milliseconds.
const (
	// MaxMarkdownDepth bounds the nesting of block quotes and lists on one
	// line.
	MaxMarkdownDepth = 16
	// MaxMarkdownLinks bounds the link and image openers ("[") of one
	// field.
	MaxMarkdownLinks = 2000
	// MaxSectionBytes bounds one section of an imported document kept
	// verbatim (an appendix).
	MaxSectionBytes = 1 << 20
	// MaxDocumentLinks bounds the link openers of a whole document.
	MaxDocumentLinks = 50000
)

// MarkdownDepth returns the deepest nesting of block quotes and list items
// that any line of s opens: the ">" and list markers ("-", "*", "+",
// "1.") at the start of the line.
func MarkdownDepth(s string) int {
	deepest := 0
	for line := range strings.Lines(s) {
		if d := lineDepth(line); d > deepest {
			deepest = d
		}
	}
	return deepest
}

// lineDepth counts the container markers at the start of one line.
func lineDepth(line string) int {
	depth := 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
		case c == '>':
			depth++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			depth++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j < len(line) && (line[j] == '.' || line[j] == ')') {
				depth++
				i = j
				continue
			}
			return depth
		default:
			return depth
		}
	}
	return depth
}

// CheckMarkdown adds to v an error naming field when s cannot be stored
// (CheckText with MaxTextBytes), nests deeper than MaxMarkdownDepth or
// opens more than MaxMarkdownLinks links.
func (v *Validation) CheckMarkdown(field, s string) {
	v.checkMarkdown(field, s, MaxTextBytes)
}

func (v *Validation) checkMarkdown(field, s string, max int) {
	v.CheckText(field, s, max)
	if d := MarkdownDepth(s); d > MaxMarkdownDepth {
		v.Add(field, "nests quotes or lists %d deep; the limit is %d", d, MaxMarkdownDepth)
	}
	if n := strings.Count(s, "["); n > MaxMarkdownLinks {
		v.Add(field, "has %d link openers (\"[\"); the limit is %d", n, MaxMarkdownLinks)
	}
}

// Check adds to v the problems of every field of the narrative, named by
// its JSON path ("narrative.root_cause", "narrative.went_well[2]").
func (n *Narrative) Check(v *Validation) {
	v.CheckMarkdown("narrative.impact", n.Impact)
	v.CheckMarkdown("narrative.root_cause", n.RootCause)
	v.CheckMarkdown("narrative.resolution", n.Resolution)
	v.CheckMarkdown("narrative.data_sources", n.DataSources)
	for i, w := range n.Whys {
		v.named(func(v *Validation, field string) { v.CheckMarkdown(field, w.Answer) }, "narrative.whys[%d]", i)
	}
	for name, list := range map[string][]Field{"business_impact": n.BusinessImpact, "contributing_factors": n.ContributingFactors,
		"went_well": n.WentWell, "could_improve": n.CouldImprove, "technical_lessons": n.TechnicalLessons,
		"process_lessons": n.ProcessLessons, "organizational_lessons": n.OrganizationalLessons,
		"relevant_links": n.RelevantLinks, "evidence": n.Evidence, "external_communication": n.ExternalCommunication} {
		for i, f := range list {
			v.named(func(v *Validation, field string) { v.CheckText(field, f.Label, MaxNameBytes) }, "narrative.%s[%d].label", name, i)
			v.named(func(v *Validation, field string) { v.CheckMarkdown(field, f.Value) }, "narrative.%s[%d]", name, i)
		}
	}
	for i, c := range n.Distribution {
		v.named(func(v *Validation, field string) { v.CheckText(field, c.Label, MaxTitleBytes) }, "narrative.distribution[%d]", i)
	}
	for i, s := range n.Extra {
		v.named(func(v *Validation, field string) { v.CheckText(field, s.Heading, MaxTitleBytes) }, "narrative.extra[%d].heading", i)
		// A section kept verbatim from an imported document may be long
		// (an appendix); its cost is bounded by nesting and links.
		v.named(func(v *Validation, field string) { v.checkMarkdown(field, s.Body, MaxSectionBytes) }, "narrative.extra[%d]", i)
	}
}

// named runs check with the field's name made from format and args only
// when check finds a problem: a document has dozens of fields, and the
// draft of every new incident is checked on the webhook's path, so the
// names of valid fields are not formatted.
func (v *Validation) named(check func(v *Validation, field string), format string, args ...any) {
	var one Validation
	check(&one, "")
	if len(one.fields) == 0 {
		return
	}
	field := fmt.Sprintf(format, args...)
	for _, f := range one.fields {
		v.fields = append(v.fields, FieldError{Field: field, Message: f.Message})
	}
}

// CheckDocumentSource returns an EINVALID error when a whole Markdown
// document nests deeper than MaxMarkdownDepth or opens more than
// MaxDocumentLinks links, or nil. (Its size is the importer's bound.)
func CheckDocumentSource(src []byte) error {
	var v Validation
	if d := MarkdownDepth(string(src)); d > MaxMarkdownDepth {
		v.Add("document", "nests quotes or lists %d deep; the limit is %d", d, MaxMarkdownDepth)
	}
	if n := strings.Count(string(src), "["); n > MaxDocumentLinks {
		v.Add("document", "has %d link openers (\"[\"); the limit is %d", n, MaxDocumentLinks)
	}
	return v.Err("document")
}
