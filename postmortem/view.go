package postmortem

import (
	"fmt"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// View is what a template receives: every value of the document, already
// computed and formatted, so that a template only places text. Placeholders
// of the seed ("X", "[…]", "HH:MM", "TBD") stand wherever a value is not
// known yet. Table cell values are raw: pass them through the cell function.
// docs/templates.md documents every field.
type View struct {
	// ID is the incident ID: INCIDENT-20250930-0024-highapierrorrate.
	ID string
	// Title names the incident (for alerts, the alert name).
	Title string
	// AlertName is the alert that opened the incident, or the title.
	AlertName string
	// GeneratedAt is when the document was generated: "2025-09-30 00:24 UTC".
	GeneratedAt string
	// Generator is the program that generated it: "hindsight 1.2.0".
	Generator string
	// AuthorName is the author as given ("parallels"); Author is the handle ("@parallels").
	AuthorName, Author string
	// Date is the incident's start date, 2025-09-30.
	Date string
	// Start is the start as "2025-09-30 00:24"; End the resolution time or "TBD".
	Start, End string
	// Resolved reports whether the incident is resolved.
	Resolved bool
	// Duration is "1 hour 46 minutes", or "X hours Y minutes" until resolved.
	Duration string
	// When is "2025-09-30 00:24 to TBD (TBD)" until resolved, then
	// "2025-09-30 00:24 to 2025-09-30 02:10 (1 hour 46 minutes)".
	When string
	// Severity is "SEV2"; SeverityShort is "SEV-2".
	Severity, SeverityShort string
	// Status is the incident's status: UNDER INVESTIGATION, MITIGATED or RESOLVED.
	Status string
	// DocumentStatus is the document's status: DRAFT, UNDER REVIEW, APPROVED or ARCHIVED.
	DocumentStatus string
	// What is the one-line summary of what happened.
	What string
	// Description is the alert's longer description, if any.
	Description string
	// Impact, RootCause and Resolution are the executive summary's narrative bullets.
	Impact, RootCause, Resolution string
	// SLO holds the formatted objectives and error budget.
	SLO SLOView
	// BusinessImpact is the "Business Impact" bullet list.
	BusinessImpact []hindsight.Field
	// Services and Regions are readable lists ("api, database, load-balancer")
	// or the seed's placeholders; ServiceList and RegionList are the raw items.
	Services, Regions       string
	ServiceList, RegionList []string
	// DataSources is the "Data Sources" narrative bullet.
	DataSources string
	// Timeline is the three timeline tables in document order.
	Timeline []TimelineTable
	// Whys is the 5 whys of the root cause analysis.
	Whys []WhyView
	// ContributingFactors, WentWell, CouldImprove and the three lessons
	// lists are the narrative's labelled bullet lists.
	ContributingFactors, WentWell, CouldImprove             []hindsight.Field
	TechnicalLessons, ProcessLessons, OrganizationalLessons []hindsight.Field
	// Actions is the three corrective-action tables, soonest horizon first.
	Actions []ActionTable
	// Metrics holds the response times.
	Metrics MetricsView
	// FollowUp is the computed 30-day follow-up; nil until it is computed,
	// when the seed's placeholder lines stay.
	FollowUp *FollowUpView
	// Measured is the measured impact (SLO figures with their footnotes and
	// the response times); nil until it is computed, when the seed's
	// placeholder lines stay.
	Measured *ImpactView
	// Typed holds the impact sections as a person typed them: shown in
	// place of the measured or placeholder figures, which never overwrite
	// them.
	Typed TypedFigures
	// SlackChannel is the incident's channel: #incident-20250930-0024.
	SlackChannel string
	// Links is the "Relevant Links" list: the narrative's links with the
	// Slack channel and dashboard filled in, then the alert, runbook and
	// Alertmanager links that are known.
	Links []hindsight.Field
	// Evidence and ExternalCommunication are narrative bullet lists.
	Evidence, ExternalCommunication []hindsight.Field
	// SignOffs is one line per review role, in document order.
	SignOffs []SignOffView
	// Distribution is the distribution checklist.
	Distribution []hindsight.Check
	// Extra holds sections of an imported document that the model does not
	// know: Heading is a full Markdown heading line ("## Appendix") and Body
	// is trimmed.
	Extra []hindsight.Section
	// NextReviewDate is six calendar months after the start: 2026-03-30.
	NextReviewDate string
	// Version is the document version: "1.0".
	Version string
	// LastUpdated is the date of the last change; LastUpdatedBy the handle of who made it.
	LastUpdated, LastUpdatedBy string
	// Postmortem is the raw record, for templates that need more.
	Postmortem hindsight.Postmortem
}

// SLOView holds the formatted SLO objectives and the error budget.
type SLOView struct {
	// Availability is "99.9%", ErrorRate "0.1%", LatencyP95 and LatencyP99 "500ms".
	Availability, ErrorRate, LatencyP95, LatencyP99 string
	// Latency is the seed's latency objective: "<500ms", or "p95 <500ms, p99 <1000ms".
	Latency string
	// Freshness is "2 hours".
	Freshness string
	// Window is the SLO window in days, "30 days"; BudgetPeriod names it: "Monthly".
	Window, BudgetPeriod string
	// BudgetMinutes is the error budget of the window: "43.2".
	BudgetMinutes string
}

// MetricsView holds the response times computed from the timeline, or the
// seed's placeholders while the events they need are missing.
type MetricsView struct {
	// TimeToDetect is from issue start to alert firing.
	TimeToDetect string
	// TimeToAcknowledge is from alert to acknowledgment.
	TimeToAcknowledge string
	// TimeToMitigate is from acknowledgment to first mitigation.
	TimeToMitigate string
	// TimeToResolve is the incident's duration.
	TimeToResolve string
}

// WhyView is one step of the 5 whys, numbered from 1.
type WhyView struct {
	N                        int
	Question, Prompt, Answer string
}

// NewView computes the view model of a post-mortem. Every value is escaped
// for the place the template puts it (escapeValues), so that no value can
// add structure to the document; Postmortem keeps the raw record. Empty
// narrative parts fall back to the seed's placeholders.
func NewView(pm hindsight.Postmortem) View {
	raw := pm
	pm = escapeValues(pm)
	inc, doc := pm.Incident, pm.Document
	start := inc.StartedAt.UTC()
	n := withPlaceholders(doc.Narrative)
	v := View{
		ID:             incidentID(inc),
		Title:          inc.Title,
		AlertName:      alertName(inc),
		GeneratedAt:    generatedAt(doc, start).Format(dateTimeLayout) + " UTC",
		Generator:      doc.Generator,
		AuthorName:     doc.Author,
		Author:         authorHandle(doc.Author),
		Date:           start.Format(dateLayout),
		Start:          start.Format(dateTimeLayout),
		Severity:       string(inc.Severity),
		SeverityShort:  inc.Severity.Short(),
		Status:         string(inc.Status),
		DocumentStatus: documentStatus(doc.Status),
		What:           firstOf(inc.Summary, inc.Description, placeholderWhat),
		Description:    inc.Description,
		Impact:         n.Impact,
		RootCause:      n.RootCause,
		Resolution:     n.Resolution,
		SLO:            sloView(pm.SLO),
		BusinessImpact: n.BusinessImpact,
		ServiceList:    inc.Services,
		RegionList:     inc.Regions,
		Services:       firstOf(JoinList(inc.Services), placeholderServices),
		Regions:        firstOf(JoinList(inc.Regions), placeholderRegions),
		DataSources:    n.DataSources,
		SlackChannel:   "#incident-" + start.Format("20060102-1504"),
		Extra:          extraSections(n.Extra),
		Postmortem:     raw,
	}
	v.fillDates(pm)
	v.fillNarrativeLists(n)
	v.Timeline = timelineTables(pm)
	v.Actions = actionTables(pm, v.Author)
	v.Metrics = metricsView(pm, v.Duration)
	v.FollowUp = followUpView(pm.FollowUp)
	v.Measured = impactView(pm)
	v.Typed = typedFigures(n.Figures)
	v.Links = links(inc, evidenceLinks(pm, n.RelevantLinks), v.SlackChannel)
	v.Evidence = evidenceFields(pm, v.Evidence)
	v.SignOffs = signOffs(pm, v.Author, v.Date)
	return v
}

// fillDates sets the fields that depend on the resolution and on the
// document's review dates.
func (v *View) fillDates(pm hindsight.Postmortem) {
	inc, doc := pm.Incident, pm.Document
	d, resolved := inc.Duration()
	v.Resolved = resolved
	v.Duration = durationText(d, resolved, placeholderDuration)
	v.End = placeholderTBD
	if resolved {
		v.End = inc.ResolvedAt.UTC().Format(dateTimeLayout)
	}
	v.When = fmt.Sprintf("%s to %s (%s)", v.Start, v.End, durationText(d, resolved, placeholderTBD))
	review := doc.NextReviewDate
	if review.IsZero() {
		review = hindsight.NextReviewDate(inc.StartedAt)
	}
	v.NextReviewDate = review.UTC().Format(dateLayout)
	version := doc.Version
	if version < 1 {
		version = 1
	}
	v.Version = fmt.Sprintf("%d.0", version)
	updated := doc.UpdatedAt
	if updated.IsZero() {
		updated = generatedAt(doc, inc.StartedAt)
	}
	v.LastUpdated = updated.UTC().Format(dateLayout)
	v.LastUpdatedBy = firstOf(Handle(doc.UpdatedBy), v.Author)
}

// fillNarrativeLists copies the narrative's bullet lists and whys.
func (v *View) fillNarrativeLists(n hindsight.Narrative) {
	v.ContributingFactors = n.ContributingFactors
	v.WentWell = n.WentWell
	v.CouldImprove = n.CouldImprove
	v.TechnicalLessons = n.TechnicalLessons
	v.ProcessLessons = n.ProcessLessons
	v.OrganizationalLessons = n.OrganizationalLessons
	v.Evidence = n.Evidence
	v.ExternalCommunication = n.ExternalCommunication
	v.Distribution = n.Distribution
	for i, w := range n.Whys {
		v.Whys = append(v.Whys, WhyView{N: i + 1, Question: w.Question, Prompt: w.Prompt, Answer: w.Answer})
	}
}

// withPlaceholders fills every empty part of n with the seed's placeholder,
// so that nothing silently disappears from the document.
func withPlaceholders(n hindsight.Narrative) hindsight.Narrative {
	p := PlaceholderNarrative()
	str := func(s *string, def string) {
		if strings.TrimSpace(*s) == "" {
			*s = def
		}
	}
	list := func(l *[]hindsight.Field, def []hindsight.Field) {
		if len(*l) == 0 {
			*l = def
		}
	}
	str(&n.Impact, p.Impact)
	str(&n.RootCause, p.RootCause)
	str(&n.Resolution, p.Resolution)
	str(&n.DataSources, p.DataSources)
	list(&n.BusinessImpact, p.BusinessImpact)
	list(&n.ContributingFactors, p.ContributingFactors)
	list(&n.WentWell, p.WentWell)
	list(&n.CouldImprove, p.CouldImprove)
	list(&n.TechnicalLessons, p.TechnicalLessons)
	list(&n.ProcessLessons, p.ProcessLessons)
	list(&n.OrganizationalLessons, p.OrganizationalLessons)
	list(&n.RelevantLinks, p.RelevantLinks)
	list(&n.Evidence, p.Evidence)
	list(&n.ExternalCommunication, p.ExternalCommunication)
	if len(n.Whys) == 0 {
		n.Whys = p.Whys
	}
	if len(n.Distribution) == 0 {
		n.Distribution = p.Distribution
	}
	return n
}

// sloView formats the objectives; a zero target set means the defaults.
func sloView(t hindsight.SLOTargets) SLOView {
	if t == (hindsight.SLOTargets{}) {
		t = hindsight.DefaultSLOTargets()
	}
	p99 := t.LatencyP99
	if p99 == 0 {
		p99 = t.LatencyP95
	}
	s := SLOView{
		Availability:  FormatPercent(t.Availability),
		ErrorRate:     FormatPercent(t.ErrorRate),
		LatencyP95:    formatLatency(t.LatencyP95),
		LatencyP99:    formatLatency(p99),
		Freshness:     formatObjective(t.Freshness),
		Window:        formatObjective(t.Window),
		BudgetPeriod:  budgetPeriod(t.Window),
		BudgetMinutes: FormatBudget(t.BudgetMinutes()),
	}
	if t.Window%(24*time.Hour) == 0 && t.Window > 0 {
		s.Window = plural(int(t.Window/(24*time.Hour)), "day")
	}
	s.Latency = "<" + s.LatencyP95
	if p99 != t.LatencyP95 {
		s.Latency = fmt.Sprintf("p95 <%s, p99 <%s", s.LatencyP95, s.LatencyP99)
	}
	return s
}

func incidentID(inc hindsight.Incident) string {
	if inc.ID != "" {
		return inc.ID
	}
	return hindsight.IncidentID(inc.StartedAt, alertName(inc))
}

func generatedAt(doc hindsight.Document, start time.Time) time.Time {
	if doc.GeneratedAt.IsZero() {
		return start.UTC()
	}
	return doc.GeneratedAt.UTC()
}

func documentStatus(s hindsight.DocumentStatus) string {
	if s == "" {
		return string(hindsight.DocDraft)
	}
	return string(s)
}

// authorHandle is the author's handle, or the seed's "@author" placeholder
// person when nobody is named.
func authorHandle(name string) string {
	return firstOf(Handle(name), "@author")
}

// firstOf returns the first of values that is not blank.
func firstOf(values ...string) string {
	for _, s := range values {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// extraSections normalises kept sections: a heading without "#" becomes a
// level-2 heading, and bodies lose surrounding blank lines.
func extraSections(in []hindsight.Section) []hindsight.Section {
	out := make([]hindsight.Section, 0, len(in))
	for _, s := range in {
		h := strings.TrimSpace(s.Heading)
		if !strings.HasPrefix(h, "#") {
			h = "## " + h
		}
		out = append(out, hindsight.Section{Heading: h, Body: strings.Trim(s.Body, "\n")})
	}
	return out
}

// TypedFigures are the bodies of the impact sections a person typed, ""
// where Hindsight fills the section.
type TypedFigures struct {
	// ServiceLevel is "Service Level Impact", ResponseTimes "Response Time
	// Metrics", SLOImpact "SLO Impact Calculation".
	ServiceLevel, ResponseTimes, SLOImpact string
}

// typedFigures sorts the narrative's typed sections by heading.
func typedFigures(secs []hindsight.Section) TypedFigures {
	var t TypedFigures
	for _, s := range secs {
		switch titleKey(s.Heading) {
		case "service level impact":
			t.ServiceLevel = s.Body
		case "response time metrics":
			t.ResponseTimes = s.Body
		case "slo impact calculation":
			t.SLOImpact = s.Body
		}
	}
	return t
}
