package config

import (
	"strings"
	"text/template"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// EvidenceConfig governs what Hindsight gathers as evidence around an
// incident: its graphs, the changes before it, links to dashboards and
// logs, and attachments.
type EvidenceConfig struct {
	// GraphMargin is how far the graphs reach before the impact start and
	// after the resolution.
	GraphMargin Duration `yaml:"graph_margin" json:"graph_margin"`
	// ChangesWindow is how long before the impact start a reported change
	// is listed on the incident.
	ChangesWindow Duration `yaml:"changes_window" json:"changes_window"`
	// ChangesToken is the bearer token CI/CD pipelines send to
	// POST /api/v1/changes (besides editors' tokens); "" accepts editors only.
	ChangesToken Secret `yaml:"changes_token" json:"changes_token"`
	// AttachmentLimit bounds one attachment's size; larger uploads get 413.
	AttachmentLimit Size `yaml:"attachment_limit" json:"attachment_limit"`
	// PrometheusURL is the Prometheus address people open from a figure's
	// footnote (its graph page); "" means prometheus.url.
	PrometheusURL string `yaml:"prometheus_url" json:"prometheus_url"`
	// DashboardURL and LogsURL are URL templates ({{.Service}},
	// {{.Start}}, {{.End}}, {{.StartMillis}}, {{.EndMillis}}) for every
	// service; Services override them per service.
	DashboardURL string `yaml:"dashboard_url" json:"dashboard_url"`
	LogsURL      string `yaml:"logs_url" json:"logs_url"`
	// Services holds the per-service dashboard and logs templates.
	Services map[string]ServiceLinks `yaml:"services" json:"services,omitempty"`
	// Grafana writes a region annotation for each incident, when enabled.
	Grafana GrafanaConfig `yaml:"grafana" json:"grafana"`
}

// ServiceLinks are one service's dashboard and logs URL templates.
type ServiceLinks struct {
	DashboardURL string `yaml:"dashboard_url" json:"dashboard_url,omitempty"`
	LogsURL      string `yaml:"logs_url" json:"logs_url,omitempty"`
}

// GrafanaConfig is where incident annotations are written.
type GrafanaConfig struct {
	// Annotations turns the region annotations on.
	Annotations bool   `yaml:"annotations" json:"annotations"`
	URL         string `yaml:"url" json:"url"`
	// Token is a Grafana service account token (Authorization: Bearer).
	Token Secret `yaml:"token" json:"token"`
}

// Defaults of the evidence settings.
const (
	DefaultChangesWindow   = 6 * time.Hour
	DefaultAttachmentLimit = 10 << 20
)

func defaultEvidence() EvidenceConfig {
	return EvidenceConfig{
		GraphMargin:     Duration(hindsight.DefaultGraphMargin),
		ChangesWindow:   Duration(DefaultChangesWindow),
		AttachmentLimit: DefaultAttachmentLimit,
		Services:        map[string]ServiceLinks{},
	}
}

// LinkData is what a dashboard or logs URL template can use. Times are
// RFC 3339 in UTC; the Millis fields are Unix milliseconds, as Grafana's
// from and to take them.
type LinkData struct {
	Service                string
	Start, End             string
	StartMillis, EndMillis int64
}

// NewLinkData returns the template data of service over [start, end].
func NewLinkData(service string, start, end time.Time) LinkData {
	return LinkData{Service: service, Start: start.UTC().Format(time.RFC3339), End: end.UTC().Format(time.RFC3339),
		StartMillis: start.UnixMilli(), EndMillis: end.UnixMilli()}
}

// DashboardTemplate returns the dashboard URL template of service.
func (e EvidenceConfig) DashboardTemplate(service string) string {
	if s := e.Services[service].DashboardURL; s != "" {
		return s
	}
	return e.DashboardURL
}

// LogsTemplate returns the logs URL template of service.
func (e EvidenceConfig) LogsTemplate(service string) string {
	if s := e.Services[service].LogsURL; s != "" {
		return s
	}
	return e.LogsURL
}

// RenderLink executes a URL template with d; "" for an empty template.
// Values are inserted as they are: the templates place them in query
// strings, so use {{urlquery .Service}} where a service name may need it.
func RenderLink(text string, d LinkData) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	t, err := template.New("link").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// evidence checks the evidence settings.
func (v *fieldErrors) evidence(e EvidenceConfig) {
	if e.GraphMargin < 0 {
		v.add("evidence.graph_margin", "must not be negative, such as 30m")
	}
	if e.ChangesWindow <= 0 {
		v.add("evidence.changes_window", "must be positive, such as 6h")
	}
	if e.AttachmentLimit <= 0 {
		v.add("evidence.attachment_limit", "must be positive, such as 10MiB")
	}
	if e.PrometheusURL != "" {
		v.webURL("evidence.prometheus_url", e.PrometheusURL)
	}
	sample := NewLinkData("api", time.Unix(0, 0), time.Unix(60, 0))
	check := func(field, text string) {
		if _, err := RenderLink(text, sample); err != nil {
			v.add(field, "does not render: %v", err)
		}
	}
	check("evidence.dashboard_url", e.DashboardURL)
	check("evidence.logs_url", e.LogsURL)
	for name, s := range e.Services {
		check("evidence.services."+name+".dashboard_url", s.DashboardURL)
		check("evidence.services."+name+".logs_url", s.LogsURL)
	}
	if e.Grafana.Annotations {
		v.webURL("evidence.grafana.url", e.Grafana.URL)
		if e.Grafana.Token == "" {
			v.add("evidence.grafana.token", "is required when evidence.grafana.annotations is on")
		}
	}
}
