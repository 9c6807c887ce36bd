package lint

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var (
	whenRE    = regexp.MustCompile(`^[-*+]\s+When:\s*(\d{4}-\d\d-\d\d \d{1,2}:\d\d)`)
	idRE      = regexp.MustCompile(`INCIDENT-(\d{8})-(\d{4})-`)
	dateRE    = regexp.MustCompile(`^\*\*Date\*\*:\s*(\d{4}-\d\d-\d\d)`)
	anyDateRE = regexp.MustCompile(`\b\d{4}-\d\d-\d\d\b`)
)

// incidentStart finds the incident start: the "When" line, the incident
// ID, the "**Date**" line, or the first date in the document.
func incidentStart(lines []string) time.Time {
	var fromID, fromDate, first time.Time
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if m := whenRE.FindStringSubmatch(t); m != nil {
			if s, err := hindsight.ParseTime(m[1]); err == nil {
				return s
			}
		}
		if m := idRE.FindStringSubmatch(t); m != nil && fromID.IsZero() {
			fromID, _ = time.ParseInLocation("200601021504", m[1]+m[2], time.UTC)
		}
		if m := dateRE.FindStringSubmatch(t); m != nil && fromDate.IsZero() {
			fromDate, _ = time.ParseInLocation("2006-01-02", m[1], time.UTC)
		}
		if m := anyDateRE.FindString(t); m != "" && first.IsZero() {
			first, _ = time.ParseInLocation("2006-01-02", m, time.UTC)
		}
	}
	for _, t := range []time.Time{fromID, fromDate, first} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

var (
	// bracketRE finds "[text]"; what follows decides whether it is a link.
	bracketRE     = regexp.MustCompile(`\[([^\[\]\n]+)\]`)
	inlineCodeRE  = regexp.MustCompile("`[^`]*`")
	figureRE      = regexp.MustCompile(`(?:^|[\s(:=<>])(\$?[XYZ](?:%|ms\b| (?:hours?|minutes?|seconds?|users?)\b))`)
	figureEndRE   = regexp.MustCompile(`(?:^|[:=]\s*)([XYZ])\s*$`)
	tokenRE       = regexp.MustCompile(`\b(HH:MM|YYYYMMDD-HHMM|YYYY-MM-DD|TBD|SEV-X)\b`)
	personRE      = regexp.MustCompile(`(?:^|[^\w@])(@(?:manager|director|team|author))(?:$|[^\w-])`)
	whyPromptRE   = regexp.MustCompile(`^\d+[.)]\s+\*\*.+?\*\*\s+\[[^\]]+\]\s*$`)
	fixedHintText = "**[Use 5 Whys methodology]**"
	// fixedTimeText is the template's note on time format, not a value.
	fixedTimeText = "**All times in UTC. Use "
)

// checkPlaceholders reports the template's placeholders left in the text
// and the template's people.
func (d *doc) checkPlaceholders() {
	for i, l := range d.lines {
		if d.skip[i] {
			continue
		}
		text := inlineCodeRE.ReplaceAllStringFunc(l, func(s string) string { return strings.Repeat(" ", len(s)) })
		var found []string
		if !d.fenced[i] {
			found = append(found, brackets(text)...)
			for _, m := range personRE.FindAllStringSubmatch(text, -1) {
				if !d.isClaimed(i, m[1]) {
					d.add(i, RuleTemplatePerson, "%s is the template's stand-in: name the real person", m[1])
				}
			}
		}
		for _, m := range figureRE.FindAllStringSubmatch(text, -1) {
			found = append(found, m[1])
		}
		if m := figureEndRE.FindStringSubmatch(text); m != nil {
			found = append(found, m[1])
		}
		for _, m := range tokenRE.FindAllString(text, -1) {
			if strings.Contains(text, fixedTimeText) {
				break
			}
			found = append(found, m)
		}
		seen := map[string]bool{}
		for _, f := range found {
			if seen[f] || d.isClaimed(i, f) {
				continue
			}
			seen[f] = true
			d.add(i, RulePlaceholder, "%q is a template placeholder: replace it with the real value", f)
		}
	}
}

// brackets returns the "[…]" placeholders of a line: not links ("[text](url)",
// "[text][ref]", "[ref]: url"), not task boxes, not footnotes, and not the
// template's fixed hints.
func brackets(line string) []string {
	t := strings.TrimSpace(line)
	if strings.Contains(t, fixedHintText) || whyPromptRE.MatchString(t) || strings.Contains(t, fixedTimeText) {
		return nil
	}
	var out []string
	for _, loc := range bracketRE.FindAllStringSubmatchIndex(line, -1) {
		inner := line[loc[2]:loc[3]]
		if loc[0] > 0 && (line[loc[0]-1] == '!' || line[loc[0]-1] == ']' || line[loc[0]-1] == '\\') {
			continue
		}
		if loc[1] < len(line) && strings.ContainsRune("([:", rune(line[loc[1]])) {
			continue
		}
		if strings.TrimSpace(inner) == "" || inner == "x" || inner == "X" || strings.HasPrefix(inner, "^") || isNumber(inner) {
			continue
		}
		out = append(out, line[loc[0]:loc[1]])
	}
	return out
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
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
