package postmortem

import (
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// Values that enter the template are data, never document structure. An
// alert annotation holding a newline and "<!--" would otherwise open an
// HTML comment at the start of a line that hides the rest of the document
// from the UI and from lint; a newline and "## …" would add a section.
// escapeValues is the one step that makes them safe, applied by NewView to
// every value of the post-mortem before the view formats them:
//
//   - one-line values (titles, alert text, names, labels, table cells,
//     questions, URLs) become inline text: line breaks become single
//     spaces (blanks around them dropped), "<" that opens an HTML comment,
//     declaration or processing instruction (or, at the value's start,
//     a <script>, <pre>, <style> or <textarea>) becomes "\<", "-->" (which
//     would close the header comment) becomes "--\>", and a trailing "#"
//     run (an ATX heading's closing sequence) is escaped; the labels and
//     questions the template sets in bold also have their "*" escaped;
//   - narrative values, which people write as Markdown and may span lines,
//     keep their lines, but every continuation line is indented at least
//     to the content column of the list item the default template puts
//     the value in (itemIndent for "- **Label**: value", answerIndent for
//     "   - Answer: …" of the 5 whys), so that it stays inside that item:
//     whatever block it opens (an HTML comment, a heading, a fence, a
//     table) ends with the item.
//
// Both are idempotent (escaping an escaped value changes nothing), so a
// document parsed back and rendered again is stable. Table cells are also
// passed through the template's cell function, which escapes pipes.

// Content columns of the list items the default template puts narrative
// values in: "- **Label**: value" and "   - Answer: value".
const (
	itemIndent   = 2
	answerIndent = 5
)

// inlineText makes s safe wherever the template places a one-line value.
func inlineText(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsAny(s, lineBreakChars) {
		s = oneLine(lineBreaks.Replace(s))
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		escaped := i > 0 && s[i-1] == '\\'
		switch {
		case c == '<' && !escaped && opensLongHTML(s[i+1:], i == 0):
			b.WriteByte('\\')
		case c == '>' && !escaped && i >= 2 && s[i-2:i] == "--":
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return escapeClosingHashes(b.String())
}

// lineBreakChars are the characters lineBreaks replaces.
const lineBreakChars = "\r\n\v\f\u2028\u2029\u0085"

// lineBreaks turns every line break Markdown or a browser knows into a space.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\v", " ", "\f", " ", "\u2028", " ", "\u2029", " ", "\u0085", " ")

// opensLongHTML reports whether rest, after a "<", opens HTML that runs
// until its own terminator rather than to the end of its line or block: a
// comment, declaration, CDATA section or processing instruction anywhere,
// and at a value's start (where a template line could begin) the
// elements whose HTML block ends only at their closing tag. Other tags
// are left as they are: the page leaves raw HTML out.
func opensLongHTML(rest string, atStart bool) bool {
	if strings.HasPrefix(rest, "!") || strings.HasPrefix(rest, "?") {
		return true
	}
	if !atStart {
		return false
	}
	lower := strings.ToLower(rest)
	for _, tag := range []string{"script", "pre", "style", "textarea"} {
		if strings.HasPrefix(lower, tag) {
			return true
		}
	}
	return false
}

// boldText makes s safe between the template's "**" and "**": inline
// text whose own asterisks cannot end the bold early.
func boldText(s string) string {
	s = inlineText(s)
	if !strings.Contains(s, "*") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '*' && (i == 0 || s[i-1] != '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escapeClosingHashes escapes a run of "#" that ends s after a space (or
// is all of s), which a heading would drop as its closing sequence.
func escapeClosingHashes(s string) string {
	trimmed := strings.TrimRight(s, " \t")
	run := strings.TrimRight(trimmed, "#")
	if run == trimmed || (run != "" && run[len(run)-1] != ' ' && run[len(run)-1] != '\t') {
		return s
	}
	return run + "\\" + s[len(run):]
}

// blockText makes a narrative value safe in a list item whose content
// starts at column indent: its first line stays as written, later lines
// are indented to at least that column, and trailing blank lines go.
func blockText(s string, indent int) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	// Blank lines at the end would separate the item from the next one.
	s = strings.TrimRight(s, " \t\n")
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		body := strings.TrimLeft(lines[i], " \t")
		if body != "" && indentColumns(lines[i]) < indent {
			lines[i] = strings.Repeat(" ", indent) + body
		}
	}
	return strings.Join(lines, "\n")
}

// indentColumns is the width of line's leading blanks, tabs to the next
// multiple of four as in CommonMark.
func indentColumns(line string) int {
	col := 0
	for _, c := range line {
		switch c {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col
		}
	}
	return col
}

// escapeValues returns a copy of pm whose every value is escaped for the
// template; pm itself is not changed.
func escapeValues(pm hindsight.Postmortem) hindsight.Postmortem {
	inc := &pm.Incident
	for _, s := range []*string{&inc.ID, &inc.Title, &inc.AlertName, &inc.Summary, &inc.Description, &inc.Author} {
		*s = inlineText(*s)
	}
	inc.Services = inlineAll(inc.Services)
	inc.Regions = inlineAll(inc.Regions)
	inc.Links = append([]hindsight.Link(nil), inc.Links...)
	for i := range inc.Links {
		inc.Links[i].URL = inlineText(inc.Links[i].URL)
	}
	doc := &pm.Document
	for _, s := range []*string{&doc.Author, &doc.UpdatedBy, &doc.Generator} {
		*s = inlineText(*s)
	}
	doc.Narrative = escapeNarrative(doc.Narrative)
	pm.Timeline = append([]hindsight.TimelineEvent(nil), pm.Timeline...)
	for i := range pm.Timeline {
		e := &pm.Timeline[i]
		e.Event, e.Actor, e.Action = inlineText(e.Event), inlineText(e.Actor), inlineText(e.Action)
	}
	pm.Actions = append([]hindsight.ActionItem(nil), pm.Actions...)
	for i := range pm.Actions {
		a := &pm.Actions[i]
		for _, s := range []*string{&a.Title, &a.Owner, &a.Verification, &a.StatusReason, &a.TrackerURL} {
			*s = inlineText(*s)
		}
	}
	pm.SignOffs = append([]hindsight.SignOff(nil), pm.SignOffs...)
	for i := range pm.SignOffs {
		s := &pm.SignOffs[i]
		s.Signer, s.VoidedReason = inlineText(s.Signer), inlineText(s.VoidedReason)
	}
	return pm
}

// escapeNarrative escapes a narrative: labels and questions are one line,
// answers and values are Markdown that may span lines.
func escapeNarrative(n hindsight.Narrative) hindsight.Narrative {
	for _, s := range []*string{&n.Impact, &n.RootCause, &n.Resolution, &n.DataSources} {
		*s = blockText(*s, itemIndent)
	}
	for _, l := range []*[]hindsight.Field{&n.BusinessImpact, &n.ContributingFactors, &n.WentWell, &n.CouldImprove,
		&n.TechnicalLessons, &n.ProcessLessons, &n.OrganizationalLessons, &n.RelevantLinks, &n.Evidence, &n.ExternalCommunication} {
		*l = escapeFields(*l)
	}
	n.Whys = append([]hindsight.Why(nil), n.Whys...)
	for i := range n.Whys {
		w := &n.Whys[i]
		w.Question, w.Prompt, w.Answer = boldText(w.Question), inlineText(w.Prompt), blockText(w.Answer, answerIndent)
	}
	n.Distribution = append([]hindsight.Check(nil), n.Distribution...)
	for i := range n.Distribution {
		n.Distribution[i].Label = inlineText(n.Distribution[i].Label)
	}
	n.Extra = append([]hindsight.Section(nil), n.Extra...)
	for i := range n.Extra {
		n.Extra[i].Heading = strings.TrimSpace(lineBreaks.Replace(n.Extra[i].Heading))
	}
	return n
}

// escapeFields escapes a "- **Label**: value" list.
func escapeFields(in []hindsight.Field) []hindsight.Field {
	if in == nil {
		return nil
	}
	out := make([]hindsight.Field, len(in))
	for i, f := range in {
		out[i] = hindsight.Field{Label: boldText(f.Label), Value: blockText(f.Value, itemIndent)}
	}
	return out
}

// inlineAll escapes every item of a list into a new list.
func inlineAll(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = inlineText(s)
	}
	return out
}
