package hindsight

import (
	"strings"
	"time"
)

// Incident is one outage or degradation, opened by an alert or by a person.
type Incident struct {
	// ID is stable and unique: INCIDENT-20250930-0024-highapierrorrate.
	ID string `json:"id"`
	// Title names the incident; for alerts it is the alert name.
	Title string `json:"title"`
	// AlertName is the alertname label of the alert that opened it, if any.
	AlertName string         `json:"alert_name,omitempty"`
	Severity  Severity       `json:"severity"`
	Status    IncidentStatus `json:"status"`
	// Summary is the one-line "What" of the executive summary.
	Summary string `json:"summary,omitempty"`
	// Description is the alert's longer description.
	Description string            `json:"description,omitempty"`
	Services    []string          `json:"services"`
	Regions     []string          `json:"regions"`
	Labels      map[string]string `json:"labels,omitempty"`
	Links       []Link            `json:"links,omitempty"`
	// GroupKey is the Alertmanager group that opened the incident, if any.
	GroupKey string `json:"group_key,omitempty"`
	// RecurrenceOf is the earlier incident of the same alert group that
	// this one recurs, set when the group fired again after that
	// incident's post-mortem was approved (its record stays closed).
	RecurrenceOf string `json:"recurrence_of,omitempty"`
	Author       string `json:"author,omitempty"`
	// StartedAt is when the alert first fired (or the start a person gave).
	StartedAt time.Time `json:"started_at"`
	// ResolvedAt is set once the incident is resolved.
	ResolvedAt *time.Time `json:"resolved_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// Version counts changes; updates must carry the version they read.
	Version int `json:"version"`
}

// Link is a named URL shown under "Supporting Information".
type Link struct {
	// Kind says what the link is: alert, alertmanager, runbook, dashboard, or other.
	Kind string `json:"kind"`
	URL  string `json:"url"`
}

// Link kinds known to the document.
const (
	LinkAlert        = "alert"
	LinkAlertmanager = "alertmanager"
	LinkRunbook      = "runbook"
	LinkDashboard    = "dashboard"
)

// PrimaryService returns the service an incident is measured and linked by
// (its objectives, queries, dashboards): the first of its services, or ""
// when it names none.
func (i *Incident) PrimaryService() string {
	if len(i.Services) == 0 {
		return ""
	}
	return i.Services[0]
}

// Link returns the URL of the first link of the given kind, or "".
func (i *Incident) Link(kind string) string {
	for _, l := range i.Links {
		if l.Kind == kind {
			return l.URL
		}
	}
	return ""
}

// Duration returns how long the incident lasted, and false while it is not resolved.
func (i *Incident) Duration() (time.Duration, bool) {
	if i.ResolvedAt == nil {
		return 0, false
	}
	return i.ResolvedAt.Sub(i.StartedAt), true
}

// Validate returns an EINVALID error that lists every invalid field.
func (i *Incident) Validate() error {
	var v Validation
	if strings.TrimSpace(i.ID) == "" {
		v.Add("id", "is required")
	}
	if strings.TrimSpace(i.Title) == "" {
		v.Add("title", "is required")
	}
	if !i.Severity.Valid() {
		v.Add("severity", "must be one of SEV1 to SEV5, got %q", i.Severity)
	}
	if !i.Status.Valid() {
		v.Add("status", "must be UNDER INVESTIGATION, MITIGATED or RESOLVED, got %q", i.Status)
	}
	if i.StartedAt.IsZero() {
		v.Add("started_at", "is required")
	}
	i.checkText(&v)
	v.CheckTime("started_at", i.StartedAt)
	v.CheckTimePtr("resolved_at", i.ResolvedAt)
	if i.ResolvedAt != nil && i.ResolvedAt.Before(i.StartedAt) {
		v.Add("resolved_at", "is before started_at")
	}
	if i.Status == IncidentResolved && i.ResolvedAt == nil {
		v.Add("resolved_at", "is required when the incident is RESOLVED")
	}
	return v.Err("incident")
}

// checkText bounds the incident's text to what both stores can hold.
func (i *Incident) checkText(v *Validation) {
	v.CheckText("id", i.ID, MaxNameBytes)
	v.CheckText("title", i.Title, MaxTitleBytes)
	v.CheckText("alert_name", i.AlertName, MaxNameBytes)
	v.CheckText("summary", i.Summary, MaxTextBytes)
	v.CheckText("description", i.Description, MaxTextBytes)
	v.CheckTexts("services", i.Services, MaxNameBytes)
	v.CheckTexts("regions", i.Regions, MaxNameBytes)
	v.CheckText("group_key", i.GroupKey, MaxKeyBytes)
	v.CheckText("author", i.Author, MaxNameBytes)
	for k, val := range i.Labels {
		v.CheckText("labels", k, MaxNameBytes)
		v.CheckText("labels."+k, val, MaxKeyBytes)
	}
}

// SplitList turns repeated and comma-separated values into one clean list:
// ["api,database", " load-balancer"] becomes [api database load-balancer];
// empty items and duplicates are dropped, order kept.
func SplitList(values ...string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item != "" && !seen[item] {
				seen[item] = true
				out = append(out, item)
			}
		}
	}
	return out
}
