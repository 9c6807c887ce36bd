package postmortem

import "github.com/hindsight-sre/hindsight"

// Placeholders of the seed for facts Hindsight does not know yet. They stay
// verbatim in the document so that a linter can find what is left to fill.
const (
	placeholderTBD       = "TBD"
	placeholderDuration  = "X hours Y minutes"
	placeholderMinutes   = "X minutes"
	placeholderClock     = "HH:MM"
	placeholderRegions   = "[Which regions/zones affected]"
	placeholderServices  = "[Which services affected]"
	placeholderWhat      = "[Brief description of what happened]"
	placeholderSlack     = "#incident-YYYYMMDD-HHMM"
	placeholderDashboard = "[Grafana link]"
	placeholderOwner     = "[Owner]"
	placeholderVerify    = "[How to verify completion]"
)

// PlaceholderNarrative returns the narrative of a new draft: every label
// and bracketed placeholder of the seed document, verbatim.
func PlaceholderNarrative() hindsight.Narrative {
	return hindsight.Narrative{
		Impact:     "[Customer-facing impact, affected users/services]",
		RootCause:  "[Brief technical explanation]",
		Resolution: "[How it was resolved]",
		BusinessImpact: fields(
			"Users Affected", "X users/customers",
			"Revenue Impact", "$X (if applicable)",
			"Feature Availability", "[List of features impacted]",
			"SLA Breaches", "[Any contractual SLA violations]"),
		DataSources: "[Which data providers/feeds]",
		Whys: []hindsight.Why{
			{Question: "What happened?", Prompt: "[Immediate symptom]", Answer: "[Direct cause]"},
			{Question: "Why did that happen?", Prompt: "[First level]", Answer: "[Contributing factor]"},
			{Question: "Why did that occur?", Prompt: "[Second level]", Answer: "[Deeper cause]"},
			{Question: "Why was that the case?", Prompt: "[Third level]", Answer: "[System/process issue]"},
			{Question: "Why did we have that condition?", Prompt: "[Root cause]", Answer: "[Fundamental cause]"},
		},
		ContributingFactors: fields(
			"Technical", "[Code bugs, configuration issues, infrastructure problems]",
			"Process", "[Gaps in procedures, insufficient monitoring, poor documentation]",
			"Human", "[Knowledge gaps, communication failures, decision delays]",
			"External", "[Third-party failures, unexpected load, environmental factors]"),
		WentWell: fields(
			"Detection", "[How quickly we detected the issue]",
			"Response", "[Effective actions taken during incident]",
			"Communication", "[Good coordination and updates]",
			"Mitigation", "[Successful workarounds or fixes]"),
		CouldImprove: fields(
			"Prevention", "[How we could have prevented this]",
			"Detection", "[Earlier warning signs we missed]",
			"Response", "[Faster or more effective response]",
			"Recovery", "[Quicker resolution methods]"),
		TechnicalLessons: fields(
			"Architecture", "[What we learned about system design]",
			"Monitoring", "[Gaps or improvements in observability]",
			"Deployment", "[Release or configuration management insights]",
			"Dependencies", "[Third-party or internal service learnings]"),
		ProcessLessons: fields(
			"Incident Response", "[Response process improvements]",
			"Communication", "[Internal and external communication lessons]",
			"Escalation", "[When and how to escalate effectively]",
			"Documentation", "[Runbook or knowledge gaps identified]"),
		OrganizationalLessons: fields(
			"Training", "[Skill or knowledge gaps to address]",
			"Tooling", "[Tool limitations or requirements]",
			"Capacity", "[Resource or staffing considerations]",
			"Culture", "[Team dynamics or decision-making insights]"),
		RelevantLinks: fields(
			labelSlack, placeholderSlack,
			labelDashboard, placeholderDashboard,
			"Log Analysis", "[CloudWatch/ELK/Splunk link]",
			"Code Changes", "[GitHub PR links]",
			"Configuration Changes", "[Change management tickets]"),
		Evidence: fields(
			"Screenshots", "[Attach relevant dashboard screenshots]",
			"Log Excerpts", "[Key log entries with timestamps]",
			"Metrics Graphs", "[Before/during/after metric charts]",
			"Code Snippets", "[Relevant code that caused or fixed issue]"),
		ExternalCommunication: fields(
			"Customer Updates", "[Links to status page updates or customer emails]",
			"Stakeholder Reports", "[Executive summaries sent]",
			"Public Communication", "[Blog posts or public statements]"),
		Distribution: []hindsight.Check{
			{Label: "Engineering Team"},
			{Label: "Operations Team"},
			{Label: "Product Management"},
			{Label: "Customer Success"},
			{Label: "Executive Team (if SEV1-SEV2)"},
		},
	}
}

// Labels of the relevant links that Hindsight fills from what it knows.
const (
	labelSlack     = "Incident Slack Channel"
	labelDashboard = "Alert Dashboard"
)

// fields builds a list of fields from label, value pairs.
func fields(pairs ...string) []hindsight.Field {
	out := make([]hindsight.Field, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, hindsight.Field{Label: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// expectedEvent is a seed timeline row shown as a placeholder until an event
// of its type is recorded.
type expectedEvent struct {
	Type                 hindsight.EventType
	Event, Actor, Action string
}

// expectedEvents lists the seed's placeholder rows per timeline table, in
// the seed's order. "SEV-X" is replaced by the incident's known severity.
var expectedEvents = map[hindsight.Phase][]expectedEvent{
	hindsight.PhaseDetection: {
		{hindsight.EventAlertFired, "Initial trigger", "System", "Alert fired: [Alert Name]"},
		{hindsight.EventAcknowledged, "Detection", "On-call", "Alert acknowledged"},
		{hindsight.EventAssessment, "Initial assessment", "Engineer", "Confirmed impact scope"},
		{hindsight.EventDeclared, "Incident declared", "On-call", "SEV-X incident opened"},
		{hindsight.EventMitigation, "First mitigation", "Engineer", "[Describe action taken]"},
	},
	hindsight.PhaseInvestigation: {
		{hindsight.EventHypothesis, "Root cause hypothesis", "Engineer", "[Initial theory]"},
		{hindsight.EventEscalation, "Escalation", "On-call", "Engaged [Team/SME]"},
		{hindsight.EventFinding, "Additional findings", "Engineer", "[New information discovered]"},
		{hindsight.EventEscalation, "Escalation", "Manager", "[If needed]"},
	},
	hindsight.PhaseResolution: {
		{hindsight.EventFix, "Solution implemented", "Engineer", "[Describe fix]"},
		{hindsight.EventMonitoring, "Monitoring", "Team", "Verified metrics recovery"},
		{hindsight.EventResolved, "Incident resolved", "On-call", "All systems nominal"},
		{hindsight.EventCommunication, "Post-incident", "Team", "Customer communication sent"},
	},
}

// phaseHeadings are the seed's timeline table headings.
var phaseHeadings = map[hindsight.Phase]string{
	hindsight.PhaseDetection:     "Detection and Response",
	hindsight.PhaseInvestigation: "Investigation and Escalation",
	hindsight.PhaseResolution:    "Resolution and Recovery",
}

// expectedAction is a seed corrective-action row shown while a horizon has
// no action. Team marks rows the seed gives to "@team" rather than the author.
type expectedAction struct {
	Title, Verification string
	Team                bool
}

// expectedActions lists the seed's placeholder actions per horizon.
var expectedActions = map[hindsight.Horizon][]expectedAction{
	hindsight.HorizonImmediate: {
		{"[Specific action]", "[How to verify completion]", false},
		{"[Fix monitoring gap]", "[Verification criteria]", false},
		{"[Update runbook]", "[Link to updated doc]", false},
	},
	hindsight.HorizonMedium: {
		{"[Process improvement]", "[Success criteria]", false},
		{"[System enhancement]", "[Testing plan]", false},
		{"[Training plan]", "[Training completion]", false},
	},
	hindsight.HorizonLong: {
		{"[Architecture change]", "[Design review complete]", true},
		{"[Tool implementation]", "[Tool deployed]", true},
	},
}

// horizonHeadings are the seed's corrective-action table headings.
var horizonHeadings = map[hindsight.Horizon]string{
	hindsight.HorizonImmediate: "Immediate Actions (Complete within 1 week)",
	hindsight.HorizonMedium:    "Medium-term Actions (Complete within 1 month)",
	hindsight.HorizonLong:      "Long-term Actions (Complete within 1 quarter)",
}

// draftSigners are the seed's sign-off people of a draft: the author twice,
// then template people that a linter flags until real ones are named.
var draftSigners = map[hindsight.SignOffRole]string{
	hindsight.RoleAuthor:           "", // the author
	hindsight.RoleTechnicalReview:  "", // the author
	hindsight.RoleManagementReview: "@manager",
	hindsight.RoleFinalApproval:    "@director",
}
