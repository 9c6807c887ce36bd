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
	RuleFigureMismatch      = "figure-mismatch"
)

// Rules lists every rule a Markdown document is checked with, in the order
// docs/lint.md describes them.
var Rules = []string{
	RulePlaceholder, RuleTemplatePerson, RuleEmptyWhy, RuleTimelineOrder, RuleTimelineBeforeStart,
	RuleActionOwner, RuleActionDue, RuleActionVerification, RuleDueBeforeIncident, RuleImpossibleFigure,
}

// DirectoryRules lists the rules a document is checked with only against a
// directory of people (Options.People).
var DirectoryRules = []string{RulePerson}

// StoredRules lists the rules only a stored post-mortem can be checked
// with, since they compare it with what Hindsight measured.
var StoredRules = []string{RuleFigureMismatch}

// Errors returns the findings that are errors.
func Errors(fs []hindsight.Finding) []hindsight.Finding {
	var out []hindsight.Finding
	for _, f := range fs {
		if f.Severity != hindsight.FindingWarning {
			out = append(out, f)
		}
	}
	return out
}

// Options tune CheckWith.
type Options struct {
	// Now decides whether the follow-up metrics are due (30 days after the
	// resolution); before that their placeholders are not findings.
	Now time.Time
	// SkipSignOffs leaves out the "Review and Approval" section, which the
	// review itself fills (the server's gate before review).
	SkipSignOffs bool
	// People is the directory of people that "@handle" mentions are
	// checked against (unknown-person warnings); nil or empty checks none.
	People *hindsight.Directory
}

// FollowUpDelay is how long after the resolution the follow-up metrics are
// due, as the seed's "Follow-up Metrics (30 days post-incident)" says.
const FollowUpDelay = 30 * 24 * time.Hour

// Check runs every rule over a Markdown document as of now and returns the
// findings sorted by line. name is only used to fill hindsight.Finding.File.
func Check(name string, src []byte) []hindsight.Finding {
	return CheckWith(name, src, Options{Now: time.Now()})
}

// CheckWith is Check with options.
func CheckWith(name string, src []byte, opts Options) []hindsight.Finding {
	d := scan(name, src)
	d.checkWhys()
	d.checkTables()
	d.checkFigures()
	d.checkPlaceholders()
	d.checkPeople(opts.People)
	d.dropNotDue(opts)
	sort.SliceStable(d.findings, func(i, j int) bool { return d.findings[i].Line < d.findings[j].Line })
	return d.findings
}

// CheckPostmortem renders pm with the default template and checks the
// result, so that the server lints a stored post-mortem exactly as the CLI
// lints its Markdown. Line numbers refer to the rendered document.
func CheckPostmortem(pm hindsight.Postmortem) ([]hindsight.Finding, error) {
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, pm, nil); err != nil {
		return nil, err
	}
	return Check(pm.Incident.ID+".md", buf.Bytes()), nil
}

// dropNotDue removes the findings of the sections not yet due: the
// follow-up metrics until 30 days after the resolution, and the sign-offs
// when asked.
func (d *doc) dropNotDue(opts Options) {
	var skip [][2]int
	followUp := d.sectionLines("follow up metrics")
	if d.end == nil || opts.Now.Before(d.end.Add(FollowUpDelay)) {
		skip = append(skip, followUp)
	} else {
		d.explainDue(followUp)
	}
	if opts.SkipSignOffs {
		skip = append(skip, d.sectionLines("review and approval"))
	}
	kept := d.findings[:0]
	for _, f := range d.findings {
		in := false
		for _, r := range skip {
			in = in || (f.Line > r[0] && f.Line < r[1])
		}
		if !in {
			kept = append(kept, f)
		}
	}
	d.findings = kept
}

// explainDue says of the placeholders of the follow-up metrics, once due,
// when they were due and where the figures come from.
func (d *doc) explainDue(r [2]int) {
	due := d.end.Add(FollowUpDelay).Format("2006-01-02")
	for i, f := range d.findings {
		if f.Line > r[0] && f.Line < r[1] && f.Rule == RulePlaceholder {
			d.findings[i].Message = strings.TrimSuffix(f.Message, ": replace it with the real value") +
				": the follow-up metrics were due on " + due + " (30 days after the resolution): fill them, or export the post-mortem from Hindsight, which computes them"
		}
	}
}

// sectionLines returns the 1-based line span (heading, next heading) of the
// first section whose heading starts, lower-cased and without emoji or
// punctuation, with key; 0, 0 when absent.
func (d *doc) sectionLines(key string) [2]int {
	from := 0
	for i, l := range d.lines {
		if d.fenced[i] || !strings.HasPrefix(l, "#") {
			continue
		}
		if from > 0 {
			return [2]int{from, i + 1}
		}
		if strings.HasPrefix(headingKey(l), key) {
			from = i + 1
		}
	}
	if from == 0 {
		return [2]int{}
	}
	return [2]int{from, len(d.lines) + 1}
}

// headingKey lower-cases a heading and keeps letters, digits and single
// spaces: "### Follow-up Metrics (30 days…)" gives "follow up metrics 30…".
func headingKey(l string) string {
	f := strings.FieldsFunc(strings.ToLower(l), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	return strings.Join(f, " ")
}

// doc is a document being linted: its lines and what is known about them.
type doc struct {
	name  string
	lines []string
	// skip marks lines inside HTML comments.
	skip []bool
	// fenced marks lines inside fenced code blocks.
	fenced []bool
	// start is the incident start, zero when the document does not say;
	// end its resolution, nil until resolved.
	start    time.Time
	end      *time.Time
	findings []hindsight.Finding
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
	d.start, d.end = postmortem.DocumentTimes(d.lines)
	return d
}

// add records a finding on the 0-based line i.
func (d *doc) add(i int, rule, format string, args ...any) {
	d.findings = append(d.findings, hindsight.Finding{File: d.name, Line: i + 1, Rule: rule, Message: fmt.Sprintf(format, args...), Severity: hindsight.FindingError})
}

// claim marks text on line i as reported.
func (d *doc) claim(i int, text string) {
	d.claimed[fmt.Sprint(i)+"\x00"+text] = true
}

func (d *doc) isClaimed(i int, text string) bool {
	return d.claimed[fmt.Sprint(i)+"\x00"+text]
}
