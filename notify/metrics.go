package notify

import (
	"github.com/hindsight-sre/hindsight"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the reminder metrics: deliveries by channel and kind, and
// failed attempts by channel. (The open-incident and overdue gauges are
// read from the store at scrape time: http.Server.RegisterStoreMetrics.)
type Metrics struct {
	sent     *prometheus.CounterVec
	failures *prometheus.CounterVec
}

// NewMetrics creates the reminder metrics and registers them on reg. Every
// label combination known in advance starts at zero, so that rate() and
// absence alerts work from the first scrape.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hindsight_reminders_sent_total",
			Help: "Reminders delivered, by channel (slack, smtp) and kind.",
		}, []string{"channel", "kind"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hindsight_reminder_failures_total",
			Help: "Failed reminder delivery attempts, by channel; every retry that fails counts.",
		}, []string{"channel"}),
	}
	reg.MustRegister(m.sent, m.failures)
	for _, ch := range []string{ChannelSlack, ChannelSMTP} {
		m.failures.WithLabelValues(ch)
		for _, k := range hindsight.ReminderKinds {
			m.sent.WithLabelValues(ch, string(k))
		}
	}
	return m
}

func (m *Metrics) delivered(channel string, kind hindsight.ReminderKind) {
	if m != nil {
		m.sent.WithLabelValues(channel, string(kind)).Inc()
	}
}

func (m *Metrics) failed(channel string) {
	if m != nil {
		m.failures.WithLabelValues(channel).Inc()
	}
}
