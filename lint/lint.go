// Package lint checks a post-mortem document for what a review must not
// let through: placeholders left from the template, unanswered whys, a
// timeline out of order, action items without owner, due date or
// verification, and figures that cannot be true. The CLI (hindsight lint)
// and the server share this one rule set. Every finding names the source
// line it is about.
package lint

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Rule IDs, stable: scripts and the server match on them.
const (
	RulePlaceholder         = "placeholder"
	RuleTemplatePerson      = "template-person"
	RuleEmptyWhy            = "empty-why"
	RuleTimelineOrder       = "timeline-order"
	RuleTimelineBeforeStart = "timeline-before-start"
	RuleActionOwner         = "action-owner"
	RuleActionDue           = "action-due"
	RuleActionVerification  = "action-verification"
	RuleDueBeforeIncident   = "due-before-incident"
	RuleImpossibleFigure    = "impossible-figure"
)

// Rules lists every rule ID, in the order docs/lint.md describes them.
var Rules = []string{
	RulePlaceholder, RuleTemplatePerson, RuleEmptyWhy, RuleTimelineOrder, RuleTimelineBeforeStart,
	RuleActionOwner, RuleActionDue, RuleActionVerification, RuleDueBeforeIncident, RuleImpossibleFigure,
}

// Finding is one problem in a document.
type Finding struct {
	// File is the document's name as given to Check.
	File string `json:"file"`
	// Line is the 1-based source line the finding is about.
	Line int `json:"line"`
	// Rule is one of Rules.
	Rule string `json:"rule"`
	// Message says what is wrong and how to fix it.
	Message string `json:"message"`
}

// String formats the finding as "file:line: rule: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Rule, f.Message)
}

// Check runs every rule over a Markdown document and returns the findings
// sorted by line. name is only used to fill Finding.File.
func Check(name string, src []byte) []Finding {
	d := scan(name, src)
	d.checkWhys()
	d.checkTables()
	d.checkFigures()
	d.checkPlaceholders()
	sort.SliceStable(d.findings, func(i, j int) bool { return d.findings[i].Line < d.findings[j].Line })
	return d.findings
}

// CheckPostmortem renders pm with the default template and checks the
// result, so that the server lints a stored post-mortem exactly as the CLI
// lints its Markdown. Line numbers refer to the rendered document.
func CheckPostmortem(pm hindsight.Postmortem) ([]Finding, error) {
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, pm, nil); err != nil {
		return nil, err
	}
	return Check(pm.Incident.ID+".md", buf.Bytes()), nil
}

// doc is a document being linted: its lines and what is known about them.
type doc struct {
	name  string
	lines []string
	// skip marks lines inside HTML comments.
	skip []bool
	// fenced marks lines inside fenced code blocks.
	fenced []bool
	// start is the incident start, zero when the document does not say.
	start    time.Time
	findings []Finding
	// claimed records "line\x00text" pairs already reported by a specific
	// rule, so that the placeholder rule does not report them twice.
	claimed map[string]bool
}

// scan splits src into lines and marks comments and code.
func scan(name string, src []byte) *doc {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	d := &doc{name: name, lines: strings.Split(text, "\n"), claimed: map[string]bool{}}
	d.skip = make([]bool, len(d.lines))
	d.fenced = make([]bool, len(d.lines))
	comment, fence := false, ""
	for i, l := range d.lines {
		t := strings.TrimSpace(l)
		switch {
		case fence != "":
			d.fenced[i] = true
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
			}
		case comment:
			d.skip[i] = true
			comment = !strings.Contains(t, "-->")
		case strings.HasPrefix(t, "<!--"):
			d.skip[i] = true
			comment = !strings.Contains(t[4:], "-->")
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			d.fenced[i] = true
			fence = t[:len(t)-len(strings.TrimLeft(t, t[:1]))]
		}
	}
	d.start = incidentStart(d.lines)
	return d
}

// add records a finding on the 0-based line i.
func (d *doc) add(i int, rule, format string, args ...any) {
	d.findings = append(d.findings, Finding{File: d.name, Line: i + 1, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// claim marks text on line i as reported.
func (d *doc) claim(i int, text string) {
	d.claimed[fmt.Sprint(i)+"\x00"+text] = true
}

func (d *doc) isClaimed(i int, text string) bool {
	return d.claimed[fmt.Sprint(i)+"\x00"+text]
}
