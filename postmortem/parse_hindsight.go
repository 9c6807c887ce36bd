package postmortem

import (
	"regexp"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/yuin/goldmark/ast"
)

// hindsightLayout reports whether the document is in Hindsight's (or the
// seed's) layout: the generator's header comment, or a "Post-Mortem" title
// followed by the "**Incident ID**" line.
func (d *parsedDoc) hindsightLayout() bool {
	if d.headerEnd > 0 && strings.Contains(string(d.src[:d.headerEnd]), "Post-Mortem generated on:") {
		return true
	}
	if len(d.sections) == 0 || d.sections[0].level != 1 || !strings.HasPrefix(d.sections[0].key, "post mortem") {
		return false
	}
	return strings.Contains(d.body(d.sections[0]), "**Incident ID**")
}

// sectionFunc reads one known section into the parser's state.
type sectionFunc func(p *hsParser, s section) error

// hindsightSections maps each heading of the default template (by
// titleKey) to the function that reads it. Headings without content of
// their own map to nil.
var hindsightSections = map[string]sectionFunc{
	"executive summary":                           (*hsParser).execSummary,
	"impact assessment":                           nil,
	"service level impact":                        (*hsParser).serviceLevel,
	"business impact":                             func(p *hsParser, s section) error { p.n.BusinessImpact = p.fields(s); return nil },
	"geographic component scope":                  (*hsParser).scope,
	"timeline":                                    nil,
	"detection and response":                      timelineSection(hindsight.PhaseDetection),
	"investigation and escalation":                timelineSection(hindsight.PhaseInvestigation),
	"resolution and recovery":                     timelineSection(hindsight.PhaseResolution),
	"root cause analysis":                         nil,
	"primary root cause":                          (*hsParser).whys,
	"contributing factors":                        func(p *hsParser, s section) error { p.n.ContributingFactors = p.fields(s); return nil },
	"what went well":                              func(p *hsParser, s section) error { p.n.WentWell = p.fields(s); return nil },
	"what could be improved":                      func(p *hsParser, s section) error { p.n.CouldImprove = p.fields(s); return nil },
	"corrective actions":                          nil,
	"immediate actions complete within 1 week":    actionSection(hindsight.HorizonImmediate),
	"medium term actions complete within 1 month": actionSection(hindsight.HorizonMedium),
	"long term actions complete within 1 quarter": actionSection(hindsight.HorizonLong),
	"lessons learned":                             nil,
	"technical lessons":                           func(p *hsParser, s section) error { p.n.TechnicalLessons = p.fields(s); return nil },
	"process lessons":                             func(p *hsParser, s section) error { p.n.ProcessLessons = p.fields(s); return nil },
	"organizational lessons":                      func(p *hsParser, s section) error { p.n.OrganizationalLessons = p.fields(s); return nil },
	"metrics and measurements":                    nil,
	"response time metrics":                       nil,
	"slo impact calculation":                      (*hsParser).sloBudget,
	"follow up metrics 30 days post incident":     nil,
	"supporting information":                      nil,
	"relevant links":                              (*hsParser).relevantLinks,
	"data and evidence":                           func(p *hsParser, s section) error { p.n.Evidence = p.fields(s); return nil },
	"external communication":                      func(p *hsParser, s section) error { p.n.ExternalCommunication = p.fields(s); return nil },
	"sign off and approval":                       nil,
	"review and approval":                         (*hsParser).signOffList,
	"distribution list":                           (*hsParser).distribution,
}

// titleSectionKey is the key under which the title section is compared.
const titleSectionKey = "\x00title"

// hsParser holds the state of parsing a document in Hindsight's layout.
type hsParser struct {
	d  *parsedDoc
	pm hindsight.Postmortem
	n  hindsight.Narrative
	// header holds the header comment's "Key: value" lines.
	header map[string]string
	// Facts whose meaning depends on the incident start, read at the end.
	date, when, idText string
	dateLine, whenLine int
	events             []rawRow
	actions            []rawRow
	signOffs           []rawSignOff
	// known lists the sections read, in order, by their lookup key.
	known map[int]string
}

// parseHindsight reads a document in Hindsight's layout.
func (d *parsedDoc) parseHindsight() (hindsight.Postmortem, error) {
	p := &hsParser{d: d, header: d.headerFields(), known: map[int]string{}}
	p.pm.SLO = hindsight.DefaultSLOTargets()
	p.pm.Incident.Status = hindsight.IncidentInvestigating
	seen := map[string]bool{}
	for i, s := range d.sections {
		if i == 0 && s.level == 1 {
			if err := p.title(s); err != nil {
				return hindsight.Postmortem{}, err
			}
			p.known[i] = titleSectionKey
			continue
		}
		f, ok := hindsightSections[s.key]
		if !ok || seen[s.key] {
			continue
		}
		seen[s.key] = true
		p.known[i] = s.key
		if f == nil {
			continue
		}
		if err := f(p, s); err != nil {
			return hindsight.Postmortem{}, err
		}
	}
	if err := p.finish(); err != nil {
		return hindsight.Postmortem{}, err
	}
	p.keepUnread()
	return p.pm, nil
}

// headerFields reads the "Key: value" lines of the header comment.
func (d *parsedDoc) headerFields() map[string]string {
	out := map[string]string{}
	if d.headerEnd == 0 {
		return out
	}
	for _, line := range strings.Split(string(d.src[:d.headerEnd]), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			k = strings.TrimSpace(k)
			if _, dup := out[k]; !dup {
				out[k] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

var metaLineRE = regexp.MustCompile(`^\*\*([^*]+)\*\*:[ \t]*(.*?)[ \t]*$`)

// title reads the title heading and the metadata lines under it.
func (p *hsParser) title(s section) error {
	inc := &p.pm.Incident
	title := strings.TrimSpace(strings.TrimPrefix(s.title, "Post-Mortem:"))
	if s.title == "Post-Mortem Report Template" || strings.HasPrefix(s.key, "post mortem") && title == s.title {
		title = firstOf(p.header["Incident"], title)
	}
	inc.Title, inc.AlertName = title, title
	for _, b := range s.blocks {
		if b.node.Kind() != ast.KindParagraph {
			continue
		}
		if err := p.metadata(b); err != nil {
			return err
		}
	}
	if inc.Severity == "" && p.header["Severity"] != "" {
		if sev, err := hindsight.ParseSeverity(p.header["Severity"]); err == nil {
			inc.Severity = sev
		}
	}
	return nil
}

// metadata reads "**Incident ID**: `…`" and the lines after it.
func (p *hsParser) metadata(b block) error {
	inc := &p.pm.Incident
	line := lineAt(p.d.src, b.start)
	for i, l := range strings.Split(p.d.raw(b), "\n") {
		m := metaLineRE.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		v := strings.TrimSpace(m[2]) // also \v, \f and Unicode's spaces, which the pattern leaves
		switch m[1] {
		case "Incident ID":
			p.idText = strings.Trim(v, "`")
			inc.ID = p.idText
		case "Date":
			p.date, p.dateLine = v, line+i
		case "Severity":
			if v == "" {
				continue
			}
			sev, err := hindsight.ParseSeverity(v)
			if err != nil {
				return invalid(line+i, "%s", hindsight.ErrorMessage(err))
			}
			inc.Severity = sev
		case "Status":
			st := hindsight.IncidentStatus(strings.ToUpper(v))
			if !st.Valid() {
				return invalid(line+i, "unknown incident status %q: use UNDER INVESTIGATION, MITIGATED or RESOLVED", v)
			}
			inc.Status = st
		}
	}
	return nil
}

// listItem is one item of a Markdown list: its source, verbatim, and line.
type listItem struct {
	raw  string
	line int
}

// items returns the items of every list among the section's blocks.
func (p *hsParser) items(s section) []listItem {
	var out []listItem
	for _, b := range s.blocks {
		out = append(out, p.d.listItems(b)...)
	}
	return out
}

// listItems returns the items of a list block, each from its first line to
// the next item.
func (d *parsedDoc) listItems(b block) []listItem {
	list, ok := b.node.(*ast.List)
	if !ok {
		return nil
	}
	var starts []int
	for it := list.FirstChild(); it != nil; it = it.NextSibling() {
		st := lineStart(d.src, nodeStart(it))
		if st < b.start || len(starts) > 0 && st <= starts[len(starts)-1] {
			continue
		}
		starts = append(starts, st)
	}
	out := make([]listItem, 0, len(starts))
	for i, st := range starts {
		end := b.end
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		out = append(out, listItem{raw: trimBlankLines(string(d.src[st:end])), line: lineAt(d.src, st)})
	}
	return out
}

var (
	fieldRE   = regexp.MustCompile(`(?s)^[-*+][ \t]+\*\*(.+?)\*\*:[ \t]?(.*)$`)
	summaryRE = regexp.MustCompile(`(?s)^[-*+][ \t]+(What|When|Impact|Root Cause|Resolution):[ \t]?(.*)$`)
)

// fields reads a "- **Label**: value" list; values are verbatim, with any
// continuation lines.
func (p *hsParser) fields(s section) []hindsight.Field {
	var out []hindsight.Field
	for _, it := range p.items(s) {
		if m := fieldRE.FindStringSubmatch(it.raw); m != nil {
			out = append(out, hindsight.Field{Label: m[1], Value: m[2]})
		}
	}
	return out
}

// execSummary reads What, When, Impact, Root Cause and Resolution.
func (p *hsParser) execSummary(s section) error {
	for _, it := range p.items(s) {
		m := summaryRE.FindStringSubmatch(it.raw)
		if m == nil {
			continue
		}
		switch m[1] {
		case "What":
			if m[2] != placeholderWhat {
				p.pm.Incident.Summary = m[2]
			}
		case "When":
			p.when, p.whenLine = m[2], it.line
		case "Impact":
			p.n.Impact = m[2]
		case "Root Cause":
			p.n.RootCause = m[2]
		case "Resolution":
			p.n.Resolution = m[2]
		}
	}
	return nil
}

// scope reads regions, services and data sources.
func (p *hsParser) scope(s section) error {
	for _, f := range p.fields(s) {
		switch f.Label {
		case "Regions":
			p.pm.Incident.Regions = splitScope(f.Value, placeholderRegions)
		case "Services":
			p.pm.Incident.Services = splitScope(f.Value, placeholderServices)
		case "Data Sources":
			p.n.DataSources = f.Value
		}
	}
	return nil
}

// splitScope reads "api, database" and the seed's "- api|- database".
func splitScope(v, placeholder string) []string {
	v = strings.TrimSpace(v)
	if v == placeholder || v == "" {
		return nil
	}
	sep := ","
	if strings.HasPrefix(v, "- ") && strings.Contains(v, "|") {
		sep = "|"
	}
	var out []string
	for _, it := range strings.Split(v, sep) {
		if it = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(it), "- ")); it != "" {
			out = append(out, it)
		}
	}
	return out
}

var (
	whyQuestionRE = regexp.MustCompile(`^\d{1,9}[.)][ \t]+\*\*(.+?)\*\*[ \t]*(.*?)[ \t]*$`)
	whyAnswerRE   = regexp.MustCompile(`^[ \t]*[-*+][ \t]+Answer:[ \t]?(.*)$`)
)

// whys reads the numbered 5 whys.
func (p *hsParser) whys(s section) error {
	for _, it := range p.items(s) {
		lines := strings.Split(it.raw, "\n")
		m := whyQuestionRE.FindStringSubmatch(lines[0])
		if m == nil {
			continue
		}
		w := hindsight.Why{Question: m[1], Prompt: m[2]}
		for i := 1; i < len(lines); i++ {
			if a := whyAnswerRE.FindStringSubmatch(lines[i]); a != nil {
				w.Answer = strings.Join(append([]string{a[1]}, lines[i+1:]...), "\n")
				break
			}
		}
		p.n.Whys = append(p.n.Whys, w)
	}
	return nil
}

// relevantLinks reads the links list; the runbook, alert and Alertmanager
// links Hindsight appends are the incident's links.
func (p *hsParser) relevantLinks(s section) error {
	kinds := map[string]string{"Runbook": hindsight.LinkRunbook, "Alert Source": hindsight.LinkAlert, "Alertmanager": hindsight.LinkAlertmanager}
	for _, f := range p.fields(s) {
		u, isURL := autolinkURL(f.Value)
		if kind, ok := kinds[f.Label]; ok && isURL {
			p.pm.Incident.Links = append(p.pm.Incident.Links, hindsight.Link{Kind: kind, URL: u})
			continue
		}
		if f.Label == labelDashboard && isURL {
			p.pm.Incident.Links = append(p.pm.Incident.Links, hindsight.Link{Kind: hindsight.LinkDashboard, URL: u})
		}
		p.n.RelevantLinks = append(p.n.RelevantLinks, f)
	}
	return nil
}

// autolinkURL reads "<https://…>".
func autolinkURL(v string) (string, bool) {
	if len(v) > 2 && v[0] == '<' && v[len(v)-1] == '>' && autolinkable(v[1:len(v)-1]) {
		return v[1 : len(v)-1], true
	}
	return "", false
}

var checkRE = regexp.MustCompile(`(?s)^[-*+][ \t]+\[([ xX])\][ \t]+(.*)$`)

// distribution reads the distribution checklist.
func (p *hsParser) distribution(s section) error {
	for _, it := range p.items(s) {
		if m := checkRE.FindStringSubmatch(it.raw); m != nil {
			p.n.Distribution = append(p.n.Distribution, hindsight.Check{Label: m[2], Checked: m[1] != " "})
		}
	}
	return nil
}

// parseDate reads YYYY-MM-DD.
func parseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dateLayout, strings.TrimSpace(s), time.UTC)
	return t, err == nil
}
