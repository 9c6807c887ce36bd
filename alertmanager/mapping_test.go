package alertmanager_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

const (
	groupGenerator  = "http://prometheus.example.com:9090/graph?g0.expr=sum+by+%28instance%2C+job%29+%28rate%28http_requests_total%7Bcode%3D%22500%22%7D%5B5s%5D%29%29+%2F+sum+by+%28instance%2C+job%29+%28rate%28http_requests_total%5B5s%5D%29%29+%3E+0.05&g0.tab=1"
	singleGenerator = "http://vm:9090/graph?g0.expr=sum+by+%28job%29+%28rate%28http_requests_total%7Bcode%3D%22500%22%7D%5B5s%5D%29%29+%2F+sum+by+%28job%29+%28rate%28http_requests_total%5B5s%5D%29%29+%3E+0.5&g0.tab=1"
)

// groupIncident is the incident of payloads 1 to 4 while it fires.
func groupIncident() hindsight.Incident {
	return hindsight.Incident{
		ID:          "INCIDENT-20261127-0559-highapierrorrate",
		Title:       "HighAPIErrorRate",
		AlertName:   "HighAPIErrorRate",
		Severity:    hindsight.SEV2,
		Status:      hindsight.IncidentInvestigating,
		Summary:     "API 5xx error rate exceeded threshold during peak hours",
		Description: "5xx ratio on 10.0.1.1:8080 is 75%",
		Services:    []string{"api"},
		Regions:     []string{"eu-west-1"},
		Labels: map[string]string{
			"alertname": "HighAPIErrorRate", "job": "api", "region": "eu-west-1", "service": "api", "severity": "critical",
		},
		Links: []hindsight.Link{
			{Kind: hindsight.LinkAlert, URL: groupGenerator},
			{Kind: hindsight.LinkAlertmanager, URL: "http://alertmanager.example.com:9093"},
			{Kind: hindsight.LinkRunbook, URL: "https://runbooks.example.com/high-api-error-rate"},
			{Kind: hindsight.LinkDashboard, URL: "https://grafana.example.com/d/api-errors"},
		},
		GroupKey:  `{}:{alertname="HighAPIErrorRate", service="api"}`,
		StartedAt: time.Date(2026, 11, 27, 5, 59, 53, 810_000_000, time.UTC),
	}
}

func TestMapping_Incident(t *testing.T) {
	for _, tt := range []struct {
		name string
		msg  func(t *testing.T) *alertmanager.Message
		want func() hindsight.Incident
	}{
		{
			name: "SingleAlertFiring",
			msg:  fixture("0-single-alert-firing.json"),
			want: func() hindsight.Incident {
				return hindsight.Incident{
					ID:          "INCIDENT-20261127-0535-highapierrorrate",
					Title:       "HighAPIErrorRate",
					AlertName:   "HighAPIErrorRate",
					Severity:    hindsight.SEV2,
					Status:      hindsight.IncidentInvestigating,
					Summary:     "High API error rate on api",
					Description: "5xx ratio is 83.33% over the last 5s.",
					Services:    []string{"api"},
					Regions:     []string{},
					Labels:      map[string]string{"alertname": "HighAPIErrorRate", "job": "api", "severity": "critical"},
					Links: []hindsight.Link{
						{Kind: hindsight.LinkAlert, URL: singleGenerator},
						{Kind: hindsight.LinkAlertmanager, URL: "http://vm:9093"},
					},
					GroupKey:  `{}:{alertname="HighAPIErrorRate"}`,
					StartedAt: time.Date(2026, 11, 27, 5, 35, 29, 404_000_000, time.UTC),
				}
			},
		},
		{name: "GroupFiring", msg: fixture("1-group-firing-3-alerts.json"), want: groupIncident},
		{name: "GroupRepeat", msg: fixture("2-group-repeat-notification.json"), want: groupIncident},
		{name: "GroupPartlyResolved", msg: fixture("3-group-one-alert-resolved.json"), want: groupIncident},
		{
			name: "GroupAllResolved",
			msg:  fixture("4-group-all-resolved.json"),
			want: func() hindsight.Incident {
				inc := groupIncident()
				inc.Status = hindsight.IncidentResolved
				end := time.Date(2026, 11, 27, 6, 0, 25, 810_000_000, time.UTC)
				inc.ResolvedAt = &end
				inc.Description = "5xx ratio on 10.0.1.1:8080 is 42.86%"
				return inc
			},
		},
		{
			name: "SeveralStartTimes",
			msg: func(t *testing.T) *alertmanager.Message {
				m := MustDecodeFixture(t, "1-group-firing-3-alerts.json")
				// The third instance fired first, in another time zone, and
				// is the only critical one; the others are warnings.
				m.Alerts[2].StartsAt = time.Date(2026, 11, 27, 6, 40, 0, 0, time.FixedZone("CET", 3600))
				m.Alerts[2].Labels["region"] = "us-east-1"
				m.Alerts[0].Labels["severity"] = "warning"
				m.Alerts[1].Labels["severity"] = "warning"
				delete(m.CommonLabels, "severity")
				delete(m.CommonLabels, "region")
				return m
			},
			want: func() hindsight.Incident {
				inc := groupIncident()
				inc.StartedAt = time.Date(2026, 11, 27, 5, 40, 0, 0, time.UTC)
				inc.ID = "INCIDENT-20261127-0540-highapierrorrate"
				inc.Regions = []string{"eu-west-1", "us-east-1"}
				delete(inc.Labels, "severity")
				delete(inc.Labels, "region")
				return inc
			},
		},
		{
			name: "MissingAnnotations",
			msg: func(t *testing.T) *alertmanager.Message {
				m := MustDecodeFixture(t, "1-group-firing-3-alerts.json")
				m.CommonAnnotations = nil
				m.GroupLabels = nil
				m.CommonLabels = nil
				m.ExternalURL = ""
				for i := range m.Alerts {
					m.Alerts[i].Annotations = nil
					m.Alerts[i].GeneratorURL = ""
				}
				return m
			},
			want: func() hindsight.Incident {
				inc := groupIncident()
				inc.Summary, inc.Description = "", ""
				inc.Labels = map[string]string{}
				inc.Links = nil
				return inc
			},
		},
		{
			name: "Grafana",
			msg:  fixture("grafana-firing.json"),
			want: func() hindsight.Incident {
				return hindsight.Incident{
					ID:          "INCIDENT-20261127-0746-highmemoryusage",
					Title:       "HighMemoryUsage",
					AlertName:   "HighMemoryUsage",
					Severity:    hindsight.SEV2, // the worst alert is critical
					Status:      hindsight.IncidentInvestigating,
					Summary:     "Memory usage above 90%",
					Description: "Memory usage of checkout in eu-1 is 93%",
					Services:    []string{"checkout"},
					Regions:     []string{"eu-1", "us-1"},
					Labels:      map[string]string{"alertname": "HighMemoryUsage", "grafana_folder": "Platform", "service": "checkout"},
					Links: []hindsight.Link{
						{Kind: hindsight.LinkAlert, URL: "https://grafana.example.com/alerting/grafana/b1f2c3d4/view?orgId=1"},
						{Kind: hindsight.LinkAlertmanager, URL: "https://grafana.example.com/"},
						{Kind: hindsight.LinkRunbook, URL: "https://runbooks.example.com/high-memory-usage"},
						{Kind: hindsight.LinkDashboard, URL: "https://grafana.example.com/d/mem-usage?orgId=1"},
					},
					GroupKey:  `{}/{__grafana_autogenerated__="true"}/{__grafana_receiver__="hindsight"}:{alertname="HighMemoryUsage", grafana_folder="Platform"}`,
					StartedAt: time.Date(2026, 11, 27, 7, 46, 3, 157_076_000, time.UTC),
				}
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := alertmanager.DefaultMapping().Incident(tt.msg(t))
			want := tt.want()
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("incident mismatch\n got: %+v\nwant: %+v", got, want)
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("mapped incident is invalid: %v", err)
			}
			if got.StartedAt.Location() != time.UTC {
				t.Fatalf("start %v is not UTC", got.StartedAt)
			}
		})
	}
}

func TestMapping_Incident_Rules(t *testing.T) {
	t.Run("ConfiguredLabels", func(t *testing.T) {
		m := MustDecodeFixture(t, "1-group-firing-3-alerts.json")
		mapping := alertmanager.Mapping{
			Severity: hindsight.SeverityRules{Labels: []string{"severity"}, Map: map[string]hindsight.Severity{"critical": hindsight.SEV1}},
			Labels:   hindsight.LabelRules{Service: []string{"instance"}, Region: []string{"job"}},
		}
		inc := mapping.Incident(m)
		if inc.Severity != hindsight.SEV1 {
			t.Errorf("severity %s, want SEV1", inc.Severity)
		}
		if want := []string{"10.0.1.1:8080", "10.0.1.2:8080", "10.0.1.3:8080"}; !reflect.DeepEqual(inc.Services, want) {
			t.Errorf("services %v, want %v", inc.Services, want)
		}
		if want := []string{"api"}; !reflect.DeepEqual(inc.Regions, want) {
			t.Errorf("regions %v, want %v", inc.Regions, want)
		}
	})
	t.Run("LiteralSeverityLabel", func(t *testing.T) {
		m := MustDecodeFixture(t, "0-single-alert-firing.json")
		m.CommonLabels["severity"] = "SEV1"
		if got := alertmanager.DefaultMapping().Incident(m).Severity; got != hindsight.SEV1 {
			t.Fatalf("severity %s, want SEV1", got)
		}
	})
	t.Run("NoSeverityLabelUsesDefault", func(t *testing.T) {
		m := MustDecodeFixture(t, "0-single-alert-firing.json")
		delete(m.CommonLabels, "severity")
		delete(m.Alerts[0].Labels, "severity")
		if got := alertmanager.DefaultMapping().Incident(m).Severity; got != hindsight.SEV3 {
			t.Fatalf("severity %s, want the default SEV3", got)
		}
	})
	t.Run("AlertNameFromAlerts", func(t *testing.T) {
		m := MustDecodeFixture(t, "0-single-alert-firing.json")
		m.GroupLabels, m.CommonLabels = nil, nil
		if got := alertmanager.DefaultMapping().Incident(m).Title; got != "HighAPIErrorRate" {
			t.Fatalf("title %q", got)
		}
	})
	t.Run("UnsafeLinksDropped", func(t *testing.T) {
		m := MustDecodeFixture(t, "0-single-alert-firing.json")
		m.CommonAnnotations["runbook_url"] = "javascript:alert(1)"
		m.Alerts[0].Annotations["grafana_url"] = "/relative/path"
		m.Alerts[0].Annotations["dashboard_url"] = "https://grafana.example.com/d/x"
		inc := alertmanager.DefaultMapping().Incident(m)
		if inc.Link(hindsight.LinkRunbook) != "" {
			t.Errorf("runbook link kept: %v", inc.Links)
		}
		if got := inc.Link(hindsight.LinkDashboard); got != "https://grafana.example.com/d/x" {
			t.Errorf("dashboard link %q, links %v", got, inc.Links)
		}
	})
	t.Run("ResolvedWithoutEndUsesStart", func(t *testing.T) {
		m := MustDecodeFixture(t, "0-single-alert-firing.json")
		m.Alerts[0].Status = alertmanager.StatusResolved
		inc := alertmanager.DefaultMapping().Incident(m)
		if inc.Status != hindsight.IncidentResolved || inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(inc.StartedAt) {
			t.Fatalf("status %s resolved at %v", inc.Status, inc.ResolvedAt)
		}
	})
}

// fixture returns a loader of a payload under testdata/alertmanager.
func fixture(name string) func(t *testing.T) *alertmanager.Message {
	return func(t *testing.T) *alertmanager.Message { return MustDecodeFixture(t, name) }
}
