package http

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// findingSummary is the lint findings of a post-mortem as people act on
// them: grouped by the section they are about, each group linked to where
// it is fixed, with a one-line summary. The API keeps the full list.
type findingSummary struct {
	// Total counts every finding; Blocking those that stop a submission
	// (errors, not warnings such as figure-mismatch).
	Total, Blocking int
	Groups          []findingGroup
	// Sections counts the narrative sections with findings; Rows the
	// template rows (timeline and corrective actions) not filled yet.
	Sections, Rows int
	// Summary reads "12 sections to write, 5 template rows to fill or dismiss".
	Summary string
}

// findingGroup is the findings about one section.
type findingGroup struct {
	// Key is the narrative section's key, "timeline", "actions", or "".
	Key, Label string
	// Link is where the section is edited; "" when nothing on the page edits it.
	Link     string
	Findings []hindsight.Finding
}

// count returns the number of findings about the narrative section key.
func (f findingSummary) count(key string) int {
	for _, g := range f.Groups {
		if g.Key == key {
			return len(g.Findings)
		}
	}
	return 0
}

// headingSections maps a document heading (lower case, without emoji) to
// the narrative section the editor edits under it.
var headingSections = map[string]string{
	"business impact": "business_impact", "primary root cause": "whys", "contributing factors": "contributing_factors",
	"what went well": "went_well", "what could be improved": "could_improve", "technical lessons": "technical_lessons",
	"process lessons": "process_lessons", "organizational lessons": "organizational_lessons",
	"relevant links": "relevant_links", "data and evidence": "evidence", "external communication": "external_communication",
}

// summaryBullets maps the executive summary's narrative bullets to sections.
var summaryBullets = map[string]string{"- Impact:": "impact", "- Root Cause:": "root_cause", "- Resolution:": "resolution"}

// summarizeFindings groups findings by the section of the rendered
// document their line falls in.
func (s *Server) summarizeFindings(pm *hindsight.Postmortem, findings []hindsight.Finding) findingSummary {
	out := findingSummary{Total: len(findings)}
	if len(findings) == 0 {
		return out
	}
	var md bytes.Buffer
	_ = s.Render(&md, *pm) // on error every finding lands in one group
	lines := strings.Split(md.String(), "\n")
	id := pm.Incident.ID
	index := map[string]int{}
	for _, f := range findings {
		if f.Severity != hindsight.FindingWarning {
			out.Blocking++
		}
		key, label, link := findingPlace(lines, f.Line, id)
		if sec, ok := fieldSection(f.Field); ok && f.Line == 0 {
			key, label, link = sec.Key, sec.Label, "/incidents/"+id+"/narrative#sec-"+sec.Key
		}
		i, ok := index[key+"\x00"+label]
		if !ok {
			i = len(out.Groups)
			index[key+"\x00"+label] = i
			out.Groups = append(out.Groups, findingGroup{Key: key, Label: label, Link: link})
		}
		out.Groups[i].Findings = append(out.Groups[i].Findings, f)
	}
	for _, g := range out.Groups {
		if _, err := findSection(g.Key); err == nil {
			out.Sections++
		}
	}
	tl, acts := placeholderRows(pm)
	out.Rows = len(tl) + len(acts)
	parts := []string{}
	if out.Sections > 0 {
		parts = append(parts, count(out.Sections, "section", "sections")+" to write")
	}
	if out.Rows > 0 {
		parts = append(parts, count(out.Rows, "template row", "template rows")+" to fill or dismiss")
	}
	if len(parts) == 0 && out.Blocking > 0 {
		parts = append(parts, count(out.Blocking, "finding", "findings")+" to fix")
	}
	if w := out.Total - out.Blocking; w > 0 {
		parts = append(parts, count(w, "figure", "figures")+" to check")
	}
	out.Summary = strings.Join(parts, ", ")
	return out
}

// findingPlace returns the group of a finding on 1-based line: the
// narrative section, timeline or corrective actions it is about, or the
// heading it falls under.
func findingPlace(lines []string, line int, id string) (key, label, link string) {
	h2, h3 := "", ""
	for i := 0; i < line-1 && i < len(lines); i++ {
		switch l := lines[i]; {
		case strings.HasPrefix(l, "## "):
			h2, h3 = headingText(l), ""
		case strings.HasPrefix(l, "### "):
			h3 = headingText(l)
		}
	}
	text := ""
	if line >= 1 && line <= len(lines) {
		text = lines[line-1]
	}
	lower := strings.ToLower(h3)
	switch {
	case strings.Contains(strings.ToLower(h2), "timeline"):
		return "timeline", "Timeline", "/incidents/" + id + "#timeline"
	case strings.Contains(strings.ToLower(h2), "corrective actions"):
		return "actions", "Corrective actions", "/incidents/" + id + "#actions"
	case lower == "geographic/component scope" && strings.Contains(text, "**Data Sources**"):
		key = "data_sources"
	case strings.Contains(strings.ToLower(h2), "executive summary"):
		for prefix, k := range summaryBullets {
			if strings.HasPrefix(text, prefix) {
				key = k
			}
		}
	default:
		key = headingSections[lower]
	}
	if sec, err := findSection(key); err == nil {
		return sec.Key, sec.Label, "/incidents/" + id + "/narrative#sec-" + sec.Key
	}
	switch {
	case h3 != "":
		return "", h3, ""
	case h2 != "":
		return "", h2, ""
	}
	return "", "Document", ""
}

// fieldSection returns the narrative section of a finding's field
// ("whys[2].answer", "business_impact.Users Affected", "root_cause").
func fieldSection(field string) (narrativeSection, bool) {
	key := field
	if i := strings.IndexAny(key, ".["); i >= 0 {
		key = key[:i]
	}
	sec, err := findSection(key)
	return sec, err == nil
}

// headingText is a Markdown heading's text without its marks and emoji.
func headingText(line string) string {
	t := strings.TrimSpace(strings.TrimLeft(line, "#"))
	return strings.TrimSpace(strings.TrimLeftFunc(t, func(r rune) bool {
		return r > 0x2000 || r == ' ' // emoji and their variation selectors
	}))
}

// count writes "1 section" or "3 sections".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
