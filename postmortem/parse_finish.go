package postmortem

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/yuin/goldmark/ast"
)

var (
	whenRE = regexp.MustCompile(`^(\d{4}-\d\d-\d\d[ T]\d{1,2}:\d\d(?::\d\d)?) to (\d{4}-\d\d-\d\d[ T]\d{1,2}:\d\d(?::\d\d)?|\d{1,2}:\d\d(?::\d\d)?|TBD)\b`)
	idRE   = regexp.MustCompile(`^INCIDENT-(\d{8})-(\d{4})-`)
)

// finish reads what depends on the incident start: the timeline, the
// actions, the sign-offs and the footer.
func (p *hsParser) finish() error {
	inc, doc := &p.pm.Incident, &p.pm.Document
	start, err := p.start()
	if err != nil {
		return err
	}
	inc.StartedAt = start
	inc.ResolvedAt = endOf(p.when, start)
	if inc.ID == "" {
		inc.ID = hindsight.IncidentID(start, inc.Title)
	}
	doc.IncidentID = inc.ID
	doc.Author = p.header["Author"]
	inc.Author = doc.Author
	doc.Generator = p.header["Generator"]
	if g, err := hindsight.ParseTime(strings.TrimSuffix(p.header["Post-Mortem generated on"], " UTC")); err == nil {
		doc.GeneratedAt = g
	}
	doc.Status, doc.Version = hindsight.DocDraft, 1
	if err := p.footer(); err != nil {
		return err
	}
	if err := p.timeline(start); err != nil {
		return err
	}
	p.corrective()
	p.resolveSignOffs()
	p.readImpact()
	doc.Narrative = p.n
	return nil
}

// start finds the incident start: the "When" line, else the incident ID,
// else the "Date" line (startOf, which lint shares), else the generation
// time.
func (p *hsParser) start() (time.Time, error) {
	if t, ok := startOf(p.when, p.idText, p.date); ok {
		return t, nil
	}
	if g, err := hindsight.ParseTime(strings.TrimSuffix(p.header["Post-Mortem generated on"], " UTC")); err == nil {
		return g, nil
	}
	line := p.whenLine
	if line == 0 {
		line = max(p.dateLine, 1)
	}
	return time.Time{}, invalid(line, `no incident start: give it in the executive summary as "- When: YYYY-MM-DD HH:MM to …" or as "**Date**: YYYY-MM-DD"`)
}

var footerLineRE = regexp.MustCompile(`^\*\*([^*]+)\*\*:[ \t]*(.*?)[ \t]*$`)

// footer reads Document Status, Next Review Date, Version and Last Updated.
func (p *hsParser) footer() error {
	doc := &p.pm.Document
	if p.d.footer == nil {
		return nil
	}
	line := lineAt(p.d.src, p.d.footer.start)
	for i, l := range strings.Split(p.d.raw(*p.d.footer), "\n") {
		m := footerLineRE.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		v := m[2]
		switch m[1] {
		case "Document Status":
			st := hindsight.DocumentStatus(strings.ToUpper(v))
			switch {
			case st.Valid():
				doc.Status = st
			case v == "DRAFT/UNDER REVIEW/APPROVED/ARCHIVED": // the seed's placeholder
			default:
				return invalid(line+i, "unknown document status %q: use DRAFT, UNDER REVIEW, APPROVED or ARCHIVED", v)
			}
		case "Next Review Date":
			if t, ok := parseDate(strings.SplitN(v, " ", 2)[0]); ok {
				doc.NextReviewDate = t
			}
		case "Version":
			major, _, _ := strings.Cut(v, ".")
			if n, err := strconv.Atoi(major); err == nil && n > 0 && n < 1e6 {
				doc.Version = n
			}
		case "Last Updated":
			date, by, _ := strings.Cut(v, " by ")
			if t, ok := parseDate(date); ok {
				doc.UpdatedAt = t
			}
			doc.UpdatedBy = strings.TrimLeft(strings.TrimSpace(by), "@")
		}
	}
	return nil
}

// rawSignOff is one "- **Role**: @signer (Date: …)" line.
type rawSignOff struct {
	role         hindsight.SignOffRole
	signer, date string
}

var signOffRE = regexp.MustCompile(`^[-*+][ \t]+\*\*(.+?)\*\*:[ \t]*(.*?)[ \t]*\(Date:[ \t]*(.*?)\)[ \t]*$`)

// signOffList reads the review and approval lines.
func (p *hsParser) signOffList(s section) error {
	for _, it := range p.items(s) {
		m := signOffRE.FindStringSubmatch(it.raw)
		if m == nil {
			continue
		}
		for _, role := range hindsight.SignOffRoles {
			if role.Label() == m[1] {
				p.signOffs = append(p.signOffs, rawSignOff{role: role, signer: m[2], date: m[3]})
			}
		}
	}
	return nil
}

// resolveSignOffs keeps the sign-offs that differ from a draft's template
// line (the default person dated on the incident day).
func (p *hsParser) resolveSignOffs() {
	author := authorHandle(p.pm.Document.Author)
	day := p.pm.Incident.StartedAt.Format(dateLayout)
	for _, r := range p.signOffs {
		def := firstOf(draftSigners[r.role], author)
		s := hindsight.SignOff{IncidentID: p.pm.Incident.ID, Role: r.role, Signer: r.signer}
		if t, ok := parseDate(r.date); ok {
			if r.signer == def && r.date == day {
				continue
			}
			s.SignedAt = &t
		}
		p.pm.SignOffs = append(p.pm.SignOffs, s)
	}
}

var (
	sloAvailRE     = regexp.MustCompile(`\(SLO: ([0-9.]+)%\)`)
	sloErrRE       = regexp.MustCompile(`\(SLO: <([0-9.]+)%\)`)
	sloLatencyRE   = regexp.MustCompile(`\(SLO: (?:<([0-9.]+)ms|p95 <([0-9.]+)ms, p99 <([0-9.]+)ms)\)`)
	sloFreshnessRE = regexp.MustCompile(`\(SLO: <(.+)\)$`)
	sloBudgetRE    = regexp.MustCompile(`(?m)^- (\S+) SLO budget: ([0-9.]+) minutes`)
	durationRE     = regexp.MustCompile(`^(\d+) (hours?|minutes?)$`)
)

// serviceLevel reads the SLO objectives from the Service Level Impact list.
func (p *hsParser) serviceLevel(s section) error {
	slo := &p.pm.SLO
	for _, f := range p.fields(s) {
		switch f.Label {
		case "Availability":
			if m := sloAvailRE.FindStringSubmatch(f.Value); m != nil {
				slo.Availability = parseFloat(m[1], slo.Availability)
			}
		case "Error Rate":
			if m := sloErrRE.FindStringSubmatch(f.Value); m != nil {
				slo.ErrorRate = parseFloat(m[1], slo.ErrorRate)
			}
		case "Latency":
			if m := sloLatencyRE.FindStringSubmatch(f.Value); m != nil {
				p95 := firstOf(m[1], m[2])
				slo.LatencyP95 = millis(p95, slo.LatencyP95)
				slo.LatencyP99 = millis(firstOf(m[3], p95), slo.LatencyP99)
			}
		case "Data Freshness":
			if m := sloFreshnessRE.FindStringSubmatch(f.Value); m != nil {
				slo.Freshness = parseObjective(m[1], slo.Freshness)
			}
		}
	}
	return nil
}

// sloBudget reads the SLO window from the "Monthly SLO budget" line.
func (p *hsParser) sloBudget(s section) error {
	m := sloBudgetRE.FindStringSubmatch(p.d.body(s))
	if m == nil {
		return nil
	}
	days := map[string]int{"Weekly": 7, "Monthly": 30, "Quarterly": 90}[m[1]]
	if n, ok := strings.CutSuffix(m[1], "-day"); ok {
		days, _ = strconv.Atoi(n)
	}
	if days > 0 && days < 100000 {
		p.pm.SLO.Window = time.Duration(days) * 24 * time.Hour
	}
	return nil
}

func parseFloat(s string, def float64) float64 {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1e9 {
		return f
	}
	return def
}

func millis(s string, def time.Duration) time.Duration {
	f := parseFloat(s, -1)
	if f < 0 || f > 1e9 {
		return def
	}
	return time.Duration(f * float64(time.Millisecond))
}

// parseObjective reads "2 hours", "30 minutes" or "500ms".
func parseObjective(s string, def time.Duration) time.Duration {
	if m := durationRE.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 1e6 {
			return def
		}
		if strings.HasPrefix(m[2], "hour") {
			return time.Duration(n) * time.Hour
		}
		return time.Duration(n) * time.Minute
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d
	}
	return def
}

// keepUnread keeps, verbatim, what the model does not hold: sections with
// unknown headings and text before the title go to Narrative.Extra; an
// impact section whose figures differ from what Hindsight renders (figures
// a person typed) goes to Narrative.Figures. Known sections the parser
// read are not duplicated: the import keeps the document itself, so an
// export gives their wording back.
func (p *hsParser) keepUnread() {
	var buf bytes.Buffer
	_ = Render(&buf, p.pm, nil)
	rendered := renderedSections(buf.String())
	var extra []hindsight.Section
	if body := p.d.preambleText(); body != "" {
		extra = append(extra, hindsight.Section{Heading: "## Preamble (as imported)", Body: body})
	}
	for i, s := range p.d.sections {
		key, known := p.known[i]
		switch {
		case !known:
			extra = append(extra, hindsight.Section{Heading: p.d.headingLine(s), Body: p.d.safeBody(s)})
		case isImpactSection(key) && normalise(p.d.body(s)) != normalise(rendered[key]):
			p.pm.Document.Narrative.Figures = append(p.pm.Document.Narrative.Figures,
				hindsight.Section{Heading: s.title, Body: p.d.safeBody(s)})
		}
	}
	p.pm.Document.Narrative.Extra = extra
}

// preambleText is the source before the first heading, the header comment
// left out.
func (d *parsedDoc) preambleText() string {
	if len(d.preamble) == 0 {
		return ""
	}
	last := d.preamble[len(d.preamble)-1]
	return d.closeOpenBlock(trimBlankLines(string(d.src[d.preamble[0].start:last.end])), last)
}

// headingLine is the section's heading as an ATX heading line.
func (d *parsedDoc) headingLine(s section) string {
	if line := strings.TrimSpace(string(d.src[s.start:lineEnd(d.src, s.start)])); strings.HasPrefix(line, "#") {
		return line
	}
	return strings.Repeat("#", s.level) + " " + s.title
}

// safeBody is the section's body, with a code fence or HTML block left
// open at its end closed, so that it cannot swallow what follows it.
func (d *parsedDoc) safeBody(s section) string {
	body := d.body(s)
	if len(s.blocks) == 0 {
		return body
	}
	return d.closeOpenBlock(body, s.blocks[len(s.blocks)-1])
}

// closeOpenBlock appends the closing line of a fenced code block or HTML
// block that runs to the end of text.
func (d *parsedDoc) closeOpenBlock(text string, last block) string {
	switch n := last.node.(type) {
	case *ast.FencedCodeBlock:
		lines := strings.Split(strings.TrimSpace(d.raw(last)), "\n")
		open := strings.TrimLeft(lines[0], " ")
		fence := open[:len(open)-len(strings.TrimLeft(open, open[:1]))]
		closing := strings.TrimSpace(lines[len(lines)-1])
		if len(lines) == 1 || !strings.HasPrefix(closing, fence) || strings.Trim(closing, fence[:1]) != "" {
			return text + "\n" + fence
		}
	case *ast.HTMLBlock:
		closers := map[ast.HTMLBlockType]string{ast.HTMLBlockType1: "</pre>", ast.HTMLBlockType2: "-->",
			ast.HTMLBlockType3: "?>", ast.HTMLBlockType4: ">", ast.HTMLBlockType5: "]]>"}
		if c, ok := closers[n.HTMLBlockType]; ok && !n.HasClosure() {
			return text + "\n" + c
		}
	}
	return text
}

// renderedSections splits a rendered document into section bodies by
// heading key, the first title heading under titleSectionKey.
func renderedSections(doc string) map[string]string {
	if i := strings.LastIndex(doc, "\n---\n\n**Document Status**"); i >= 0 {
		doc = doc[:i+1]
	}
	out := map[string]string{}
	key, fenced, titled := "", false, false
	var body []string
	flush := func() {
		if _, dup := out[key]; !dup && key != "" {
			out[key] = strings.Join(body, "\n")
		}
		body = body[:0]
	}
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if fenced || !atxHeadingRE.MatchString(line) {
			body = append(body, line)
			continue
		}
		flush()
		title := strings.TrimLeft(line, "#")
		key = titleKey(title)
		if strings.HasPrefix(line, "# ") && !titled {
			key, titled = titleSectionKey, true
		}
	}
	flush()
	return out
}

var atxHeadingRE = regexp.MustCompile(`^#{1,6}(?:[ \t]|$)`)

var separatorRE = regexp.MustCompile(`^\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?$`)

// normalise reduces a section body to what matters for comparison: no
// blank lines, single spaces, one form of table separator.
func normalise(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		switch {
		case line == "":
			continue
		case separatorRE.MatchString(line):
			line = "|-|"
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// isImpactSection reports whether a section key names a section of
// measured figures.
func isImpactSection(key string) bool {
	for _, k := range impactSections {
		if k == key {
			return true
		}
	}
	return false
}
