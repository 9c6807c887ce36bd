package testenv

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Traffic is the load an Exporter reports from the moment it is set.
type Traffic struct {
	// RequestsPerSecond is the request rate.
	RequestsPerSecond float64
	// ErrorRatio is the fraction of requests answered with status 500, from
	// 0 to 1; the rest are answered with 200.
	ErrorRatio float64
	// Latency is the duration of every request; 0 means 50ms.
	Latency time.Duration
}

// ExporterTotals are the counts an Exporter has reported so far: exactly what
// its last scrape showed.
type ExporterTotals struct {
	// Requests counts every request.
	Requests uint64
	// Errors counts the requests answered with status 500.
	Errors uint64
	// Scrapes counts the scrapes of /metrics.
	Scrapes uint64
}

// Exporter is an in-process HTTP server that exposes the metrics of a simulated
// HTTP service at /metrics, in Prometheus text format:
//
//	http_requests_total{service, code}              counter, code "200" or "500"
//	http_request_duration_seconds{service}          histogram, default buckets
//
// The counts advance only when /metrics is scraped, by rate × elapsed time
// since the previous scrape, carrying fractions over, so every scraped value
// is a whole number the test can know through Totals. A test sets the traffic
// at any time with SetTraffic to make an alert fire and then recover.
type Exporter struct {
	// Service is the value of the service label of every series.
	Service string
	// Target is the exporter's host:port, for PrometheusOptions.ScrapeTargets.
	Target string
	// URL is the full URL of its /metrics page.
	URL string

	mu       sync.Mutex
	traffic  Traffic
	last     time.Time
	okAcc    float64 // fractional requests not yet counted
	errAcc   float64
	ok       uint64
	errs     uint64
	scrapes  uint64
	buckets  []float64
	counts   []uint64 // cumulative per bucket, as Prometheus reports them
	sumSecs  float64
	reported ExporterTotals
	requests *prometheus.Desc
	duration *prometheus.Desc
}

// StartExporter starts an Exporter for service ("api" when empty) on a free
// 127.0.0.1 port with no traffic, and stops it when the test ends.
func StartExporter(t testing.TB, service string) *Exporter {
	t.Helper()
	if service == "" {
		service = "api"
	}
	e := &Exporter{
		Service: service,
		last:    time.Now(),
		buckets: prometheus.DefBuckets,
		counts:  make([]uint64, len(prometheus.DefBuckets)),
		requests: prometheus.NewDesc("http_requests_total",
			"HTTP requests served, by status code.", []string{"code"},
			prometheus.Labels{"service": service}),
		duration: prometheus.NewDesc("http_request_duration_seconds",
			"HTTP request duration in seconds.", nil,
			prometheus.Labels{"service": service}),
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(e)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: exporter listen: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("testenv: exporter: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})

	e.Target = l.Addr().String()
	e.URL = "http://" + e.Target + "/metrics"
	return e
}

// SetTraffic changes the simulated load. Requests up to now are counted at the
// previous traffic first, so the change takes effect exactly from this call.
func (e *Exporter) SetTraffic(tr Traffic) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advance(time.Now())
	tr.ErrorRatio = min(max(tr.ErrorRatio, 0), 1)
	tr.RequestsPerSecond = max(tr.RequestsPerSecond, 0)
	e.traffic = tr
}

// Totals returns the counts reported by the last scrape.
func (e *Exporter) Totals() ExporterTotals {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reported
}

// advance counts the requests served between the last advance and now.
// The caller holds e.mu.
func (e *Exporter) advance(now time.Time) {
	elapsed := now.Sub(e.last).Seconds()
	e.last = now
	if elapsed <= 0 || e.traffic.RequestsPerSecond == 0 {
		return
	}
	n := e.traffic.RequestsPerSecond * elapsed
	e.errAcc += n * e.traffic.ErrorRatio
	e.okAcc += n * (1 - e.traffic.ErrorRatio)
	newErrs := uint64(e.errAcc)
	newOK := uint64(e.okAcc)
	e.errAcc -= float64(newErrs)
	e.okAcc -= float64(newOK)
	e.errs += newErrs
	e.ok += newOK

	latency := e.traffic.Latency
	if latency <= 0 {
		latency = 50 * time.Millisecond
	}
	secs := latency.Seconds()
	e.sumSecs += secs * float64(newErrs+newOK)
	for i, upper := range e.buckets {
		if secs <= upper {
			e.counts[i] += newErrs + newOK
		}
	}
}

// Describe implements prometheus.Collector.
func (e *Exporter) Describe(ch chan<- *prometheus.Desc) {
	ch <- e.requests
	ch <- e.duration
}

// Collect implements prometheus.Collector: each scrape advances the counts.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) {
	e.mu.Lock()
	e.advance(time.Now())
	e.scrapes++
	ok, errs, sum := e.ok, e.errs, e.sumSecs
	e.reported = ExporterTotals{Requests: ok + errs, Errors: errs, Scrapes: e.scrapes}
	buckets := make(map[float64]uint64, len(e.buckets))
	for i, upper := range e.buckets {
		buckets[upper] = e.counts[i]
	}
	e.mu.Unlock()

	ch <- prometheus.MustNewConstMetric(e.requests, prometheus.CounterValue, float64(ok), "200")
	ch <- prometheus.MustNewConstMetric(e.requests, prometheus.CounterValue, float64(errs), "500")
	ch <- prometheus.MustNewConstHistogram(e.duration, ok+errs, sum, buckets)
}
