package config

import (
	"net/url"

	"github.com/hindsight-sre/hindsight"
	"strconv"
	"strings"
	"time"
)

// TrackersConfig governs the issue trackers that action items are copied
// to (docs/trackers.md).
type TrackersConfig struct {
	// SyncInterval is the time between passes of the outbox: a change
	// made in Hindsight reaches its tracker within about this long.
	SyncInterval Duration `yaml:"sync_interval" json:"sync_interval"`
	// ReconcileInterval is the time between reads of every linked issue's
	// state, which catch the webhooks a tracker did not deliver.
	ReconcileInterval Duration `yaml:"reconcile_interval" json:"reconcile_interval"`
	// Routes are the trackers, tried in order: the first whose services
	// include one of the incident's takes its action items; otherwise the
	// first marked default; otherwise none.
	Routes []TrackerRoute `yaml:"routes" json:"routes"`
}

// TrackerRoute is one tracker and the incidents whose actions go there.
type TrackerRoute struct {
	// Name names the tracker in links, in the webhook's URL
	// (/api/v1/trackers/{name}/webhook) and in the action list.
	Name string `yaml:"name" json:"name"`
	// Kind is github (GitHub and GitHub Enterprise Server), gitlab
	// (gitlab.com and self-managed GitLab) or jira (Jira Cloud and Data
	// Center).
	Kind string `yaml:"kind" json:"kind"`
	// URL is the API's base URL. GitHub: "" for https://api.github.com/,
	// or https://HOST/api/v3/ for GitHub Enterprise Server. GitLab: ""
	// for https://gitlab.com, or the instance's address.
	URL string `yaml:"url" json:"url"`
	// Repository is GitHub's "owner/name".
	Repository string `yaml:"repository" json:"repository,omitempty"`
	// Project is GitLab's project path, such as "acme/platform" or
	// "acme/infra/platform", or Jira's project key, such as "OPS".
	Project string `yaml:"project" json:"project,omitempty"`
	// IssueType is the type of Jira issues created ("" for Task).
	IssueType string `yaml:"issue_type" json:"issue_type,omitempty"`
	// Username is the Jira Cloud account's e-mail, sent with Token (an API
	// token) as basic auth; "" sends Token as a Data Center personal
	// access token (Bearer).
	Username string `yaml:"username" json:"username,omitempty"`
	// Statuses maps Jira status names onto action statuses (open,
	// in_progress, done, wont_do); a status not named counts as done when
	// its category is done, open otherwise.
	Statuses map[string]string `yaml:"statuses" json:"statuses,omitempty"`
	// Token is the API token (Issues: read and write).
	Token Secret `yaml:"token" json:"token"`
	// WebhookSecret verifies the tracker's webhook deliveries.
	WebhookSecret Secret   `yaml:"webhook_secret" json:"webhook_secret"`
	Labels        []string `yaml:"labels" json:"labels"`
	// Services are the incident services whose actions go to this tracker.
	Services []string `yaml:"services" json:"services"`
	// Teams are the teams (of the owner's entry in the directory of
	// people) whose actions go to this tracker.
	Teams []string `yaml:"teams" json:"teams,omitempty"`
	// Assign makes the owner's directory handle the issue's assignee
	// (github: the handle is taken as the login; gitlab: as the username,
	// looked up to its user ID; not on jira).
	Assign bool `yaml:"assign" json:"assign,omitempty"`
	// Default takes the actions of incidents no other route's services match.
	Default bool `yaml:"default" json:"default"`
}

// TrackerKinds lists the tracker kinds Hindsight speaks.
var TrackerKinds = []string{"github", "gitlab", "jira"}

// defaultTrackers returns the tracker defaults: none, a pass every 30
// seconds, a reconcile every 15 minutes.
func defaultTrackers() TrackersConfig {
	return TrackersConfig{
		SyncInterval:      Duration(30 * time.Second),
		ReconcileInterval: Duration(15 * time.Minute),
		Routes:            []TrackerRoute{},
	}
}

func (v *fieldErrors) trackers(t TrackersConfig) {
	if t.SyncInterval < Duration(time.Second) {
		v.add("trackers.sync_interval", "must be at least 1s, such as 30s")
	}
	if t.ReconcileInterval < Duration(time.Minute) {
		v.add("trackers.reconcile_interval", "must be at least 1m, such as 15m")
	}
	seen := map[string]bool{}
	for i, r := range t.Routes {
		key := "trackers.routes[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(r.Name) == "" || strings.ContainsAny(r.Name, "/?# "):
			v.add(key+".name", "is required, without spaces, / ? or #, such as platform-github")
		case seen[r.Name]:
			v.add(key+".name", "%q is used by another route: names must be unique", r.Name)
		}
		seen[r.Name] = true
		v.trackerTarget(key, r)
		if r.URL != "" {
			if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				v.add(key+".url", "must be an absolute http or https URL, such as https://github.example.com/api/v3/, got %q", r.URL)
			}
		}
		if r.Token == "" {
			v.add(key+".token", "is required: an API token allowed to write the repository's issues")
		}
		if r.WebhookSecret == "" {
			v.add(key+".webhook_secret", "is required: the secret the tracker signs its webhook deliveries with")
		}
	}
}

// trackerTarget checks the route's kind and the repository or project it
// names.
func (v *fieldErrors) trackerTarget(key string, r TrackerRoute) {
	switch r.Kind {
	case "github":
		if parts := strings.Split(r.Repository, "/"); len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			v.add(key+".repository", "must be owner/name, such as acme/platform, got %q", r.Repository)
		}
		if r.Project != "" {
			v.add(key+".project", "is for gitlab routes: a github route names its repository")
		}
	case "gitlab":
		if p := strings.Trim(r.Project, "/"); p == "" || p != r.Project || !strings.Contains(p, "/") || strings.Contains(p, "//") {
			v.add(key+".project", "must be the project's path, such as acme/platform, got %q", r.Project)
		}
		if r.Repository != "" {
			v.add(key+".repository", "is for github routes: a gitlab route names its project")
		}
	case "jira":
		v.jiraTarget(key, r)
	default:
		v.add(key+".kind", "must be one of %s, got %q", strings.Join(TrackerKinds, ", "), r.Kind)
	}
	if r.Assign && r.Kind == "jira" {
		v.add(key+".assign", "is for github and gitlab routes: Jira assignees are not set from the directory yet")
	}
}

// jiraTarget checks a jira route's site, project key and status map.
func (v *fieldErrors) jiraTarget(key string, r TrackerRoute) {
	if r.URL == "" {
		v.add(key+".url", "is required for jira: the site, such as https://acme.atlassian.net")
	}
	if r.Project == "" || strings.ToUpper(r.Project) != r.Project || strings.ContainsAny(r.Project, " -/") {
		v.add(key+".project", "must be the Jira project key, such as OPS, got %q", r.Project)
	}
	for name, st := range r.Statuses {
		if !hindsight.ActionStatus(st).Valid() {
			v.add(key+".statuses", "%q maps to %q: use open, in_progress, done or wont_do", name, st)
		}
	}
}
