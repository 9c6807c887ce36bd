package lint

import (
	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// RulePerson is the warning for an "@handle" the directory of people does
// not know. The handle stays as written; the warning asks whether it is a
// typo or a person to add to the directory.
const RulePerson = "unknown-person"

// checkPeople reports, as warnings, the "@handle" mentions outside code
// and comments that people does not hold. The template's stand-ins
// (@owner, @reviewer…) are the template-person rule's, not this one's,
// and @system is Hindsight itself.
// An empty directory checks nothing: a team that keeps no directory is
// not warned about every handle.
func (d *doc) checkPeople(people *hindsight.Directory) {
	if people.Len() == 0 {
		return
	}
	for i, l := range d.lines {
		if d.skip[i] || d.fenced[i] {
			continue
		}
		seen := map[string]bool{}
		for _, m := range hindsight.Mentions(postmortem.BlankInlineCode(l)) {
			h := "@" + m.Handle
			if seen[h] || postmortem.IsTemplatePerson(h) || hindsight.SamePerson(m.Handle, hindsight.SystemActor) {
				continue
			}
			seen[h] = true
			if _, ok := people.Lookup(h); !ok {
				d.findings = append(d.findings, hindsight.Finding{File: d.name, Line: i + 1, Rule: RulePerson, Severity: hindsight.FindingWarning,
					Message: h + " is not in the directory of people: check the spelling, or add the person"})
			}
		}
	}
}
