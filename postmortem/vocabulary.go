package postmortem

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The template's placeholder vocabulary: what the seed leaves for people to
// fill. Lint reports it in documents and in stored narratives; parse and
// render use the same words (placeholders.go), so the three cannot
// disagree about what is still a placeholder.
var (
	// bracketRE finds "[text]"; what follows decides whether it is a link.
	bracketRE    = regexp.MustCompile(`\[([^\[\]\n]+)\]`)
	inlineCodeRE = regexp.MustCompile("`[^`]*`")
	figureRE     = regexp.MustCompile(`(?:^|[\s(:=<>])(\$?[XYZ](?:%|ms\b| (?:hours?|minutes?|seconds?|users?)\b))`)
	figureEndRE  = regexp.MustCompile(`(?:^|[:=]\s*)([XYZ])\s*$`)
	tokenRE      = regexp.MustCompile(`\b(HH:MM|YYYYMMDD-HHMM|YYYY-MM-DD|TBD|SEV-X)\b`)
	personRE     = regexp.MustCompile(`(?:^|[^\w@])(@(?:manager|director|team|author))(?:$|[^\w-])`)
	whyPromptRE  = regexp.MustCompile(`^\d+[.)]\s+\*\*.+?\*\*\s+\[[^\]]+\]\s*$`)
)

const (
	// fixedHintText is the template's 5-whys hint, not a value to fill.
	fixedHintText = "**[Use 5 Whys methodology]**"
	// fixedTimeText is the template's note on time format, not a value.
	fixedTimeText = "**All times in UTC. Use "
)

// Placeholders returns the template placeholders in one line of Markdown:
// bracketed hints ("[Direct cause]", not links, task boxes, footnotes or
// citations), figures written X, Y or Z ("X%", "Xms", "X minutes", "$X", a
// value that is just X), HH:MM, YYYYMMDD-HHMM, YYYY-MM-DD, TBD and SEV-X.
// Text in inline code is not read; in fenced code (code true) only figures
// are. The template's fixed hints are not placeholders.
func Placeholders(line string, code bool) []string {
	text := blankInlineCode(line)
	var found []string
	if !code {
		found = append(found, brackets(text)...)
	}
	for _, m := range figureRE.FindAllStringSubmatch(text, -1) {
		found = append(found, m[1])
	}
	if m := figureEndRE.FindStringSubmatch(text); m != nil {
		found = append(found, m[1])
	}
	if !strings.Contains(text, fixedTimeText) {
		found = append(found, tokenRE.FindAllString(text, -1)...)
	}
	return found
}

// TemplatePeople returns the template's stand-in people in a line:
// @manager, @director, @team, @author (not @directorate-lead).
func TemplatePeople(line string) []string {
	var out []string
	for _, m := range personRE.FindAllStringSubmatch(blankInlineCode(line), -1) {
		out = append(out, m[1])
	}
	return out
}

// IsTemplatePerson reports whether a handle is one of the template's
// stand-in people.
func IsTemplatePerson(handle string) bool {
	h := strings.TrimSpace(handle)
	people := TemplatePeople(h)
	return len(people) == 1 && people[0] == h
}

func blankInlineCode(line string) string {
	return inlineCodeRE.ReplaceAllStringFunc(line, func(s string) string { return strings.Repeat(" ", len(s)) })
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
	docWhenRE    = regexp.MustCompile(`^[-*+]\s+When:\s*(.*)$`)
	docIDRE      = regexp.MustCompile(`INCIDENT-\d{8}-\d{4}-\S*`)
	docDateRE    = regexp.MustCompile(`^\*\*Date\*\*:\s*(\d{4}-\d\d-\d\d)`)
	docAnyDateRE = regexp.MustCompile(`\b\d{4}-\d\d-\d\d\b`)
)

// DocumentTimes reads the incident start and, when resolved, its end from a
// document's lines as Parse does: the executive summary's "- When: … to …"
// line, else the incident ID, else the "**Date**:" line, else the first
// date in the document. Zero when the document names none.
func DocumentTimes(lines []string) (start time.Time, end *time.Time) {
	var when, id, date, first string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if m := docWhenRE.FindStringSubmatch(t); m != nil && when == "" {
			when = m[1]
		}
		if m := docIDRE.FindString(t); m != "" && id == "" {
			id = m
		}
		if m := docDateRE.FindStringSubmatch(t); m != nil && date == "" {
			date = m[1]
		}
		if m := docAnyDateRE.FindString(t); m != "" && first == "" {
			first = m
		}
	}
	start, ok := startOf(when, id, firstOf(date, first))
	if !ok {
		return time.Time{}, nil
	}
	return start, endOf(when, start)
}

// startOf is the incident start a document states: the When line's start,
// the incident ID's, or a YYYY-MM-DD date.
func startOf(when, id, date string) (time.Time, bool) {
	if m := whenRE.FindStringSubmatch(when); m != nil {
		if t, ok := RowTime(m[1], time.Time{}); ok {
			return t, true
		}
	}
	if m := idRE.FindStringSubmatch(id); m != nil {
		if t, err := time.ParseInLocation("200601021504", m[1]+m[2], time.UTC); err == nil {
			return t, true
		}
	}
	return parseDate(date)
}

// endOf is the end of a "2025-09-30 00:24 to 01:10" When line: a clock
// time before the start is on the next day. Nil until resolved.
func endOf(when string, start time.Time) *time.Time {
	m := whenRE.FindStringSubmatch(when)
	if m == nil || m[2] == placeholderTBD {
		return nil
	}
	end, ok := RowTime(m[2], start)
	if !ok {
		return nil
	}
	if end.Before(start) && !strings.Contains(m[2], "-") {
		end = end.AddDate(0, 0, 1)
	}
	return &end
}
