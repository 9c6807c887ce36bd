// Package evidence gathers what an incident's post-mortem shows besides its
// figures: links to the dashboard and logs with the incident's time range
// set, the graph marks, and Grafana region annotations written for each
// incident.
package evidence

import (
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// Labels of the links the document's Relevant Links fill.
const (
	LabelDashboard = "Alert Dashboard"
	LabelLogs      = "Log Analysis"
)

// Links returns the incident's dashboard and logs links over [from, to]:
// the dashboard from the alert's dashboard_url/grafana_url annotation, else
// the service's configured dashboard template, with Grafana's from and to
// set; the logs from the service's logs template. A template that does not
// render gives no link (config validation reports it at start-up).
func Links(cfg config.EvidenceConfig, inc *hindsight.Incident, from, to time.Time) []hindsight.Field {
	service := inc.PrimaryService()
	data := config.NewLinkData(service, from, to)
	var out []hindsight.Field
	dashboard := inc.Link(hindsight.LinkDashboard)
	if dashboard == "" {
		dashboard, _ = config.RenderLink(cfg.DashboardTemplate(service), data)
	}
	if dashboard != "" {
		out = append(out, hindsight.Field{Label: LabelDashboard, Value: hindsight.WithTimeRange(dashboard, from, to)})
	}
	if logs, _ := config.RenderLink(cfg.LogsTemplate(service), data); logs != "" {
		out = append(out, hindsight.Field{Label: LabelLogs, Value: logs})
	}
	return out
}
