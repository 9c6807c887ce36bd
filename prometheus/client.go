// Package prometheus measures the impact of an incident through Prometheus's
// HTTP API: it renders the configured PromQL templates for the incident,
// runs range and instant queries over the incident window and the SLO
// window, and hands the answers to hindsight.ComputeImpact. Every failure
// (unreachable, slow, HTTP or PromQL error, no data) leaves the affected
// figures "not measured: <reason>"; nothing here returns a partial error.
package prometheus

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// Defaults of a Client's tuning fields.
const (
	// DefaultMinStep is the smallest step of a range query: one sample per
	// common 15-second scrape.
	DefaultMinStep = 15 * time.Second
	// DefaultMinRange is the smallest range of rate(): four scrapes at 15s,
	// so that rate() always has at least two samples.
	DefaultMinRange = time.Minute
	// DefaultLookback is how far before the alert the impact start is
	// searched for.
	DefaultLookback = time.Hour
	// DefaultTimeout bounds one query when the configuration gives none.
	DefaultTimeout = 10 * time.Second
)

// Client measures incident impact against one Prometheus server. Its fields
// may be changed before the first call and not after.
type Client struct {
	// MinStep is the smallest step of a range query (DefaultMinStep).
	MinStep time.Duration
	// MinRange is the smallest range of rate() (DefaultMinRange).
	MinRange time.Duration
	// Lookback is how far before the alert the breach that led to it is
	// searched for (DefaultLookback).
	Lookback time.Duration
	// Timeout bounds each query.
	Timeout time.Duration

	api v1.API
	url string
}

// New returns a client for the server cfg names, with its timeout and
// credentials. An empty URL is an EINVALID error: the caller then leaves
// impact "not measured" (see NotConfigured).
func New(cfg config.PrometheusConfig) (*Client, error) {
	if cfg.URL == "" {
		return nil, hindsight.Errorf(hindsight.EINVALID,
			"no Prometheus URL: set prometheus.url in hindsight.yaml or HINDSIGHT_PROMETHEUS_URL")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, hindsight.Errorf(hindsight.EINVALID,
			"Prometheus URL %q: must be an absolute http or https URL, such as http://127.0.0.1:9090", cfg.URL)
	}
	// One measurement sends eight queries at once; keep their connections
	// open for the next instead of the default two per host.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	rt := http.RoundTripper(tr)
	if cfg.BearerToken != "" || cfg.BasicAuth.Set() {
		rt = &authTransport{next: rt, bearer: string(cfg.BearerToken),
			user: cfg.BasicAuth.Username, password: string(cfg.BasicAuth.Password)}
	}
	c, err := api.NewClient(api.Config{Address: cfg.URL, RoundTripper: rt})
	if err != nil {
		return nil, fmt.Errorf("prometheus: %w", err)
	}
	timeout := cfg.Timeout.Std()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{
		MinStep: DefaultMinStep, MinRange: DefaultMinRange, Lookback: DefaultLookback,
		Timeout: timeout, api: v1.NewAPI(c), url: u.Redacted(),
	}, nil
}

// authTransport adds the configured credentials to every request.
type authTransport struct {
	next           http.RoundTripper
	bearer         string
	user, password string
}

// RoundTrip implements http.RoundTripper on a copy of the request, as the
// interface requires.
func (t *authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if t.bearer != "" {
		r.Header.Set("Authorization", "Bearer "+t.bearer)
	} else {
		r.SetBasicAuth(t.user, t.password)
	}
	return t.next.RoundTrip(r)
}
