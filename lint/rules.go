package lint

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight/postmortem"
)

// checkPlaceholders reports the template's placeholders left in the text
// and the template's people, in postmortem's vocabulary.
func (d *doc) checkPlaceholders() {
	for i, l := range d.lines {
		if d.skip[i] {
			continue
		}
		if !d.fenced[i] {
			for _, person := range postmortem.TemplatePeople(l) {
				if !d.isClaimed(i, person) {
					d.add(i, RuleTemplatePerson, "%s is the template's stand-in: name the real person", person)
				}
			}
		}
		seen := map[string]bool{}
		for _, f := range postmortem.Placeholders(l, d.fenced[i]) {
			if seen[f] || d.isClaimed(i, f) {
				continue
			}
			seen[f] = true
			d.add(i, RulePlaceholder, "%q is a template placeholder: replace it with the real value", f)
		}
	}
}

var (
	answerRE   = regexp.MustCompile(`^\s*[-*+]\s+Answer:\s*(.*?)\s*$`)
	onlyHintRE = regexp.MustCompile(`^\[[^\]]*\]$`)
)

// checkWhys reports 5-whys answers that are empty or still the template's hint.
func (d *doc) checkWhys() {
	for i, l := range d.lines {
		m := answerRE.FindStringSubmatch(l)
		if m == nil || d.skip[i] || d.fenced[i] {
			continue
		}
		switch {
		case m[1] == "":
			d.add(i, RuleEmptyWhy, "this why has no answer: write what caused the step above")
		case onlyHintRE.MatchString(m[1]) || m[1] == "TBD":
			d.claim(i, m[1])
			d.add(i, RuleEmptyWhy, "this why is answered only by the template's hint %s: write the real cause", m[1])
		}
	}
}

var (
	percentRE     = regexp.MustCompile(`(\d+(?:\.\d+)?)\s?%`)
	ratioLineRE   = regexp.MustCompile(`(?i)availability|uptime|error rate|success rate|completion rate`)
	negDurationRE = regexp.MustCompile(`(?:^|[\s(:=])(-\d+(?:\.\d+)?\s*(?:ms|seconds?|secs?|minutes?|mins?|hours?|days?))\b`)
)

// checkFigures reports figures that cannot be true: a percentage of
// availability, error or completion above 100, a negative duration.
func (d *doc) checkFigures() {
	for i, l := range d.lines {
		if d.skip[i] {
			continue
		}
		if ratioLineRE.MatchString(l) {
			for _, m := range percentRE.FindAllStringSubmatch(l, -1) {
				if v, err := strconv.ParseFloat(m[1], 64); err == nil && v > 100 {
					d.add(i, RuleImpossibleFigure, "%s%% is above 100%%: check the figure", m[1])
				}
			}
		}
		if strings.Contains(strings.ToLower(l), "remaining budget") {
			continue // an overspent budget is negative, legitimately
		}
		for _, m := range negDurationRE.FindAllStringSubmatch(l, -1) {
			d.add(i, RuleImpossibleFigure, "%q is a negative duration: check the start and end times", strings.TrimSpace(m[1]))
		}
	}
}
