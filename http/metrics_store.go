package http

import (
	"context"
	"database/sql"
	"log/slog"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hindsight-sre/hindsight"
)

// scrapeTimeout bounds the store read of one scrape.
const scrapeTimeout = 5 * time.Second

// storeCollector reports the store's current counts at every scrape, so
// that hindsight_incidents_open and its siblings never lag behind the store.
type storeCollector struct {
	store hindsight.GaugeService
	now   func() time.Time
	log   func() *slog.Logger

	incidentsOpen *prometheus.Desc
	postmortems   *prometheus.Desc
	overdue       *prometheus.Desc
	up            *prometheus.Desc
	took          *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.incidentsOpen
	ch <- c.postmortems
	ch <- c.overdue
	ch <- c.up
	ch <- c.took
}

// Collect implements prometheus.Collector: one read of the store. When it
// fails, hindsight_store_up is 0 and the counts are left out rather than
// reported as zero.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	start := time.Now()
	g, err := c.store.FindStoreGauges(ctx, c.now())
	ch <- prometheus.MustNewConstMetric(c.took, prometheus.GaugeValue, time.Since(start).Seconds())
	if err != nil {
		c.log().Warn("metrics: cannot read the store's counts", "err", err)
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, s := range hindsight.Severities {
		ch <- prometheus.MustNewConstMetric(c.incidentsOpen, prometheus.GaugeValue, float64(g.OpenIncidents[s]), string(s))
	}
	for _, s := range hindsight.DocumentStatuses {
		ch <- prometheus.MustNewConstMetric(c.postmortems, prometheus.GaugeValue, float64(g.Documents[s]), string(s))
	}
	ch <- prometheus.MustNewConstMetric(c.overdue, prometheus.GaugeValue, float64(g.OverdueActions))
}

// RegisterStoreMetrics adds the scrape-time gauges read from store
// (hindsight_incidents_open{severity}, hindsight_postmortems{status},
// hindsight_action_items_overdue, hindsight_store_up) and the connection
// pool statistics of each named pool (go_sql_*{db_name="hindsight_<name>"})
// to the server's /metrics.
func (s *Server) RegisterStoreMetrics(store hindsight.GaugeService, pools map[string]*sql.DB) {
	s.Registry.MustRegister(&storeCollector{
		store: store, now: s.Now, log: s.log,
		incidentsOpen: prometheus.NewDesc("hindsight_incidents_open", "Incidents not resolved, by severity, read from the store at scrape time.", []string{"severity"}, nil),
		postmortems: prometheus.NewDesc("hindsight_postmortems", "Post-mortems by status (DRAFT awaits its authors, UNDER REVIEW its reviewers), read at scrape time.",
			[]string{"status"}, nil),
		overdue: prometheus.NewDesc("hindsight_action_items_overdue", "Open action items past their due date, read from the store at scrape time.", nil, nil),
		up:      prometheus.NewDesc("hindsight_store_up", "1 when the scrape could read the store's counts, else 0.", nil, nil),
		took:    prometheus.NewDesc("hindsight_store_scrape_duration_seconds", "Time the scrape took to read the store's counts.", nil, nil),
	})
	for name, db := range pools {
		s.Registry.MustRegister(collectors.NewDBStatsCollector(db, "hindsight_"+name))
	}
}

// RegisterBuildInfo adds hindsight_build_info{version,revision,goversion} 1.
func (s *Server) RegisterBuildInfo(version, revision string) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "hindsight_build_info",
		Help: "Always 1; its labels name the running build.",
	}, []string{"version", "revision", "goversion"})
	g.WithLabelValues(version, revision, runtime.Version()).Set(1)
	s.Registry.MustRegister(g)
}
