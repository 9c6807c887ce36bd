package alertmanager

import (
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Mapping says how a notification's labels become an incident's severity,
// services and regions.
type Mapping struct {
	Severity hindsight.SeverityRules
	Labels   hindsight.LabelRules
}

// DefaultMapping uses the root package's default severity and label rules.
func DefaultMapping() Mapping {
	return Mapping{Severity: hindsight.DefaultSeverityRules(), Labels: hindsight.DefaultLabelRules()}
}

// Incident builds the incident that msg describes. It is a pure function of
// the notification: the intake decides whether it opens a new incident or
// updates one, and tracks alerts seen in earlier notifications of the group.
// The incident is RESOLVED, at the latest endsAt, when every alert of msg is
// resolved; otherwise UNDER INVESTIGATION.
func (m Mapping) Incident(msg *Message) hindsight.Incident {
	name := AlertName(msg)
	start := StartedAt(msg)
	inc := hindsight.Incident{
		ID:          hindsight.IncidentID(start, name),
		Title:       name,
		AlertName:   name,
		Severity:    m.severity(msg),
		Status:      hindsight.IncidentInvestigating,
		Summary:     annotation(msg, "summary"),
		Description: annotation(msg, "description"),
		Services:    m.values(msg, m.Labels.Service),
		Regions:     m.values(msg, m.Labels.Region),
		Labels:      maps.Clone(msg.CommonLabels),
		Links:       links(msg),
		GroupKey:    msg.GroupKey,
		StartedAt:   start,
	}
	if inc.Labels == nil {
		inc.Labels = map[string]string{}
	}
	if msg.AllResolved() {
		end := start
		for _, a := range msg.Alerts {
			if a.EndsAt.After(end) {
				end = a.EndsAt.UTC()
			}
		}
		inc.Status = hindsight.IncidentResolved
		inc.ResolvedAt = &end
	}
	return inc
}

// AlertName returns the notification's alert name: from the group labels,
// else the common labels, else the first alert that has one.
func AlertName(msg *Message) string {
	if n := strings.TrimSpace(msg.GroupLabels["alertname"]); n != "" {
		return n
	}
	if n := strings.TrimSpace(msg.CommonLabels["alertname"]); n != "" {
		return n
	}
	for _, a := range msg.Alerts {
		if n := strings.TrimSpace(a.Name()); n != "" {
			return n
		}
	}
	return ""
}

// StartedAt returns the earliest startsAt of the notification's alerts, in
// UTC; the zero time when no alert has a start.
func StartedAt(msg *Message) time.Time {
	var start time.Time
	for _, a := range msg.Alerts {
		if !a.StartsAt.IsZero() && (start.IsZero() || a.StartsAt.Before(start)) {
			start = a.StartsAt
		}
	}
	return start.UTC()
}

// severity applies the rules to the common labels when they carry one of the
// rules' labels; otherwise it takes the worst severity of the alerts, so
// that one critical alert among warnings makes the incident critical.
func (m Mapping) severity(msg *Message) hindsight.Severity {
	for _, l := range m.Severity.Labels {
		if _, ok := msg.CommonLabels[l]; ok {
			return m.Severity.Resolve(msg.CommonLabels)
		}
	}
	var worst hindsight.Severity
	for _, a := range msg.Alerts {
		s := m.Severity.Resolve(a.Labels)
		if worst == "" || s.Rank() < worst.Rank() {
			worst = s
		}
	}
	if worst == "" {
		return m.Severity.Resolve(msg.CommonLabels)
	}
	return worst
}

// values returns, for each alert, the first of names present in its labels,
// deduplicated in order of first appearance.
func (m Mapping) values(msg *Message, names []string) []string {
	vals := make([]string, 0, len(msg.Alerts))
	for _, a := range msg.Alerts {
		vals = append(vals, hindsight.First(a.Labels, names))
	}
	return hindsight.SplitList(vals...)
}

// annotation returns the common annotation name, else the first alert's
// non-empty one.
func annotation(msg *Message, name string) string {
	if v := strings.TrimSpace(msg.CommonAnnotations[name]); v != "" {
		return v
	}
	for _, a := range msg.Alerts {
		if v := strings.TrimSpace(a.Annotations[name]); v != "" {
			return v
		}
	}
	return ""
}

// links collects the notification's URLs by kind: alert (generatorURL),
// alertmanager (externalURL), runbook (runbook_url) and dashboard
// (dashboard_url, grafana_url, Grafana's dashboardURL). Each distinct URL
// appears once, common annotations before per-alert ones.
func links(msg *Message) []hindsight.Link {
	var out []hindsight.Link
	seen := map[hindsight.Link]bool{}
	add := func(kind, u string) {
		u = strings.TrimSpace(u)
		l := hindsight.Link{Kind: kind, URL: u}
		if u == "" || seen[l] {
			return // parsed once: a notification's alerts mostly share their URLs
		}
		seen[l] = true
		if webURL(u) {
			out = append(out, l)
		}
	}
	for _, a := range msg.Alerts {
		add(hindsight.LinkAlert, a.GeneratorURL)
	}
	add(hindsight.LinkAlertmanager, msg.ExternalURL)
	annotated := func(kind string, names ...string) {
		for _, n := range names {
			add(kind, msg.CommonAnnotations[n])
		}
		for _, a := range msg.Alerts {
			for _, n := range names {
				add(kind, a.Annotations[n])
			}
		}
	}
	annotated(hindsight.LinkRunbook, "runbook_url")
	annotated(hindsight.LinkDashboard, "dashboard_url", "grafana_url")
	for _, a := range msg.Alerts {
		add(hindsight.LinkDashboard, a.DashboardURL)
	}
	return out
}

// webURL reports whether u is an absolute http or https URL. Anything else
// (a javascript: URL in an annotation, a relative path) is left out rather
// than rendered as a link in documents and the web UI.
func webURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}
