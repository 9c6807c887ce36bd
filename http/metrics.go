package http

import "github.com/prometheus/client_golang/prometheus"

// webhookMetrics are the intake's Prometheus metrics.
type webhookMetrics struct {
	notifications    *prometheus.CounterVec
	alerts           prometheus.Counter
	duplicates       prometheus.Counter
	incidentsOpened  prometheus.Counter
	incidentsResolve prometheus.Counter
	rejections       *prometheus.CounterVec
	latency          prometheus.Histogram
}

func newWebhookMetrics(reg prometheus.Registerer) *webhookMetrics {
	m := &webhookMetrics{
		notifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hindsight_webhook_notifications_total",
			Help: "Alertmanager notifications received, by payload status (firing, resolved).",
		}, []string{"status"}),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hindsight_webhook_alerts_total",
			Help: "Alerts received in accepted notifications.",
		}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hindsight_webhook_duplicate_notifications_total",
			Help: "Notifications recognised as already received (retries, HA pairs) and ignored.",
		}),
		incidentsOpened: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hindsight_incidents_opened_total",
			Help: "Incidents opened or reopened by alerts.",
		}),
		incidentsResolve: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hindsight_incidents_resolved_total",
			Help: "Incidents resolved by alerts.",
		}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hindsight_webhook_rejections_total",
			Help: "Notifications refused, by reason (unauthorized, malformed, invalid, too_large, unavailable, busy, internal).",
		}, []string{"reason"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hindsight_webhook_ingest_duration_seconds",
			Help:    "Time from receiving a notification to answering it, durable write included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
	}
	reg.MustRegister(m.notifications, m.alerts, m.duplicates, m.incidentsOpened, m.incidentsResolve, m.rejections, m.latency)
	for _, r := range []string{"unauthorized", "malformed", "invalid", "too_large", "unavailable", "busy", "internal"} {
		m.rejections.WithLabelValues(r)
	}
	for _, st := range []string{"firing", "resolved"} {
		m.notifications.WithLabelValues(st)
	}
	return m
}
