package notify

import (
	"github.com/hindsight-sre/hindsight"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the reminder metrics: deliveries by channel and kind, failed
// attempts by channel, and the gauges that the scheduler refreshes on every
// pass.
type Metrics struct {
	sent          *prometheus.CounterVec
	failures      *prometheus.CounterVec
	overdue       prometheus.Gauge
	incidentsOpen *prometheus.GaugeVec
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
		overdue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hindsight_action_items_overdue",
			Help: "Action items open past their due date, as of the last reminder pass.",
		}),
		incidentsOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hindsight_incidents_open",
			Help: "Incidents not resolved, by severity, as of the last reminder pass.",
		}, []string{"severity"}),
	}
	reg.MustRegister(m.sent, m.failures, m.overdue, m.incidentsOpen)
	for _, ch := range []string{ChannelSlack, ChannelSMTP} {
		m.failures.WithLabelValues(ch)
		for _, k := range hindsight.ReminderKinds {
			m.sent.WithLabelValues(ch, string(k))
		}
	}
	for _, s := range hindsight.Severities {
		m.incidentsOpen.WithLabelValues(string(s))
	}
	return m
}

// SetOverdue sets the number of overdue action items.
func (m *Metrics) SetOverdue(n int) {
	if m != nil {
		m.overdue.Set(float64(n))
	}
}

// SetIncidentsOpen sets the open incidents of every severity; severities
// absent from counts are set to zero.
func (m *Metrics) SetIncidentsOpen(counts map[hindsight.Severity]int) {
	if m == nil {
		return
	}
	for _, s := range hindsight.Severities {
		m.incidentsOpen.WithLabelValues(string(s)).Set(float64(counts[s]))
	}
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
