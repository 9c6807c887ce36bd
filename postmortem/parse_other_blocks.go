package postmortem

import (
	"regexp"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/yuin/goldmark/ast"
)

// mapBlocks maps what it can of a section it could not map whole, block by
// block: "**Summary**: …" paragraphs (the Google SRE book's example), task
// lists (action items) and lists of timed items (timeline events). The
// other blocks are kept verbatim in Narrative.Extra under the section's
// heading; the title section is kept only when something remains.
func (p *otherParser) mapBlocks(s section, title bool) {
	var rest []string
	for _, b := range s.blocks {
		if p.labelParagraph(b) || p.taskList(b, s.key) || p.timedList(b) {
			continue
		}
		rest = append(rest, p.d.raw(b))
	}
	body := strings.Join(rest, "\n\n")
	if len(rest) > 0 && len(rest) == len(s.blocks) {
		body = p.d.safeBody(s)
	}
	if body == "" && (title || len(s.blocks) > 0) {
		return // nothing left, or everything mapped
	}
	p.extra = append(p.extra, hindsight.Section{Heading: p.d.headingLine(s), Body: body})
}

// labelRE reads one "**Label**: text" or "**Label:** text" line.
var labelRE = regexp.MustCompile(`^\*\*([^*:]+?):?\*\*:?[ \t]+(\S.*)$`)

// labelParagraph maps a paragraph whose every line is "**Label**: text"
// with a label textSections knows.
func (p *otherParser) labelParagraph(b block) bool {
	if b.node.Kind() != ast.KindParagraph {
		return false
	}
	type pair struct {
		set func(*otherParser, string)
		v   string
	}
	var pairs []pair
	for _, line := range strings.Split(p.d.raw(b), "\n") {
		m := labelRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			return false
		}
		set, ok := textSections[titleKey(m[1])]
		if !ok {
			return false
		}
		pairs = append(pairs, pair{set, strings.TrimSpace(m[2])})
	}
	for _, x := range pairs {
		x.set(p, x.v)
	}
	return len(pairs) > 0
}

var taskItemRE = regexp.MustCompile(`(?s)^[-*+][ \t]+\[([ xX])\][ \t]+(\S.*)$`)

// taskList maps a task list ("- [ ] …", "- [x] …") onto action items, owner,
// tracker link and due date read from the item. Lists in a distribution or
// sign-off section are not actions.
func (p *otherParser) taskList(b block, key string) bool {
	if _, ok := b.node.(*ast.List); !ok || strings.Contains(key, "distribution") || strings.Contains(key, "sign") {
		return false
	}
	items := p.d.listItems(b)
	var actions []hindsight.ActionItem
	for _, it := range items {
		m := taskItemRE.FindStringSubmatch(it.raw)
		if m == nil || strings.Contains(m[2], "\n") {
			return false
		}
		a := taskAction(strings.TrimSpace(m[2]))
		a.IncidentID, a.Horizon = p.pm.Incident.ID, hindsight.HorizonImmediate
		if m[1] != " " {
			a.Status = hindsight.ActionDone
		}
		actions = append(actions, a)
	}
	if len(actions) == 0 {
		return false
	}
	p.pm.Actions = append(p.pm.Actions, actions...)
	return true
}

var (
	handleRE    = regexp.MustCompile(`^@[\w.-]+$`)
	ownerRE     = regexp.MustCompile(`(?i)^(?:owner|assignee|who)[: ]+\s*(@?[\w.-]+)$`)
	dueRE       = regexp.MustCompile(`(?i)^(?:due(?: date)?|by)[: ]+\s*(\d{4}-\d\d-\d\d)$`)
	mdLinkRE    = regexp.MustCompile(`^\[([^\]]*)\]\((https?://[^)\s]+)\)$`)
	bareURLRE2  = regexp.MustCompile(`^<?(https?://[^\s>]+)>?$`)
	trailingPar = regexp.MustCompile(`^(.*\S)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)$`)
)

// taskAction reads one task: its title, and the owner ("@lee", "owner:
// sam"), tracker link and due date written after it, comma-separated or in
// a closing parenthesis. Whatever is not metadata stays in the title.
func taskAction(text string) hindsight.ActionItem {
	a := hindsight.ActionItem{Status: hindsight.ActionOpen}
	title := text
	if m := trailingPar.FindStringSubmatch(text); m != nil {
		if kept := takeMeta(&a, splitMeta(m[2])); len(kept) == 0 {
			title = m[1]
		} else {
			title = m[1] + " (" + strings.Join(kept, ", ") + ")"
		}
	}
	segs := splitMeta(title)
	if len(segs) > 1 {
		kept := takeMeta(&a, segs[1:])
		title = strings.Join(append(segs[:1], kept...), ", ")
	}
	a.Title = strings.TrimRight(strings.TrimSpace(title), " ,;—-")
	return a
}

// splitMeta splits on commas outside brackets.
func splitMeta(s string) []string {
	var out []string
	depth, last := 0, 0
	for i, r := range s {
		switch r {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[last:i]))
				last = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[last:]))
}

// takeMeta sets owner, tracker and due date from the segments that are
// those, and returns the others.
func takeMeta(a *hindsight.ActionItem, segs []string) []string {
	var kept []string
	for _, seg := range segs {
		switch {
		case handleRE.MatchString(seg) && a.Owner == "":
			a.Owner = seg
		case ownerRE.MatchString(seg) && a.Owner == "":
			a.Owner = ownerRE.FindStringSubmatch(seg)[1]
		case dueRE.MatchString(seg) && a.DueDate.IsZero():
			if t, ok := parseDate(dueRE.FindStringSubmatch(seg)[1]); ok {
				a.DueDate = t
				continue
			}
			kept = append(kept, seg)
		case mdLinkRE.MatchString(seg) && a.TrackerURL == "":
			m := mdLinkRE.FindStringSubmatch(seg)
			a.TrackerURL = m[2]
			if m[1] != "" && m[1] != m[2] {
				kept = append(kept, m[1])
			}
		case bareURLRE2.MatchString(seg) && a.TrackerURL == "":
			a.TrackerURL = bareURLRE2.FindStringSubmatch(seg)[1]
		case seg == "":
		default:
			kept = append(kept, seg)
		}
	}
	return kept
}

var (
	statusMarkRE = regexp.MustCompile(`(?i)(?:^|\s)(?:\*\*)?(done|todo|in progress|wontfix|won't do)(?:\*\*)?\s*$`)
	linkAnyRE    = regexp.MustCompile(`\[([^\]]*)\]\((https?://[^)\s]+)\)|<?(https?://[^\s>]+)>?`)
)

// trackerCell reads a tracker cell ("Bug" in the Google SRE book's table):
// a link becomes the tracker URL, "DONE" or "TODO" at its end the status.
// The cell is returned as written, to be kept beside the title.
func (p *otherParser) trackerCell(a *hindsight.ActionItem, v string) string {
	if m := statusMarkRE.FindStringSubmatch(v); m != nil {
		switch strings.ToLower(m[1]) {
		case "done":
			a.Status = hindsight.ActionDone
		case "in progress":
			a.Status = hindsight.ActionInProgress
		case "wontfix", "won't do":
			a.Status = hindsight.ActionWontDo
		}
	}
	if m := linkAnyRE.FindStringSubmatch(v); m != nil && a.TrackerURL == "" {
		a.TrackerURL = m[2] + m[3]
	}
	return v
}

// timedList maps a list whose every item starts with a time ("- 09:15 …")
// onto timeline events.
func (p *otherParser) timedList(b block) bool {
	if _, ok := b.node.(*ast.List); !ok {
		return false
	}
	return p.timeline(b)
}
