package config

import (
	"strings"
	"text/template"
)

// Queries are the PromQL templates of the SLO indicators, written with Go's
// text/template and the fields of QueryData. An empty query means the
// indicator is not measured.
type Queries struct {
	// ErrorRatio is the share of failed requests, 0 to 1.
	ErrorRatio string `yaml:"error_ratio,omitempty" json:"error_ratio,omitempty"`
	// RequestRate is requests per second.
	RequestRate string `yaml:"request_rate,omitempty" json:"request_rate,omitempty"`
	// LatencyP95 and LatencyP99 are latency quantiles in seconds.
	LatencyP95 string `yaml:"latency_p95,omitempty" json:"latency_p95,omitempty"`
	LatencyP99 string `yaml:"latency_p99,omitempty" json:"latency_p99,omitempty"`
	// Freshness is the age of the newest data in seconds.
	Freshness string `yaml:"freshness,omitempty" json:"freshness,omitempty"`
}

// QueryData is what a query template can use.
type QueryData struct {
	// Service is the incident's service, as the label rules found it.
	Service string
	// Labels are the incident's common alert labels: {{.Labels.job}}.
	Labels map[string]string
	// Range is the PromQL range of rate() and friends, such as "5m",
	// chosen by the caller from the query step.
	Range string
}

// DefaultQueries fit the common conventions: a counter
// http_requests_total{code} and a histogram http_request_duration_seconds,
// with the service selected by its job label. Freshness has no default:
// few services export the age of their data, and a figure nobody asked for
// reads "not configured" rather than "not measured".
func DefaultQueries() Queries {
	const sel = `job="{{.Service}}"`
	latency := func(q string) string {
		return `histogram_quantile(` + q + `, sum by (le) (rate(http_request_duration_seconds_bucket{` + sel + `}[{{.Range}}])))`
	}
	return Queries{
		ErrorRatio: `sum(rate(http_requests_total{` + sel + `,code=~"5.."}[{{.Range}}]))` +
			` / sum(rate(http_requests_total{` + sel + `}[{{.Range}}]))`,
		RequestRate: `sum(rate(http_requests_total{` + sel + `}[{{.Range}}]))`,
		LatencyP95:  latency("0.95"),
		LatencyP99:  latency("0.99"),
	}
}

// over returns q with every non-empty query of o in its place, which is how a
// service's queries override the default ones.
func (q Queries) over(o Queries) Queries {
	pick := func(base, override string) string {
		if strings.TrimSpace(override) != "" {
			return override
		}
		return base
	}
	return Queries{
		ErrorRatio:  pick(q.ErrorRatio, o.ErrorRatio),
		RequestRate: pick(q.RequestRate, o.RequestRate),
		LatencyP95:  pick(q.LatencyP95, o.LatencyP95),
		LatencyP99:  pick(q.LatencyP99, o.LatencyP99),
		Freshness:   pick(q.Freshness, o.Freshness),
	}
}

// named lists the queries by their configuration key.
func (q Queries) named() []struct{ key, text string } {
	return []struct{ key, text string }{
		{"error_ratio", q.ErrorRatio},
		{"request_rate", q.RequestRate},
		{"latency_p95", q.LatencyP95},
		{"latency_p99", q.LatencyP99},
		{"freshness", q.Freshness},
	}
}

// Render executes every query template with d. Values are inserted as they
// are, so callers escape quotes and backslashes in d's label values before
// rendering: the templates put them inside PromQL strings.
func (q Queries) Render(d QueryData) (Queries, error) {
	out := make([]string, 0, 5)
	for _, n := range q.named() {
		s, err := renderQuery(n.key, n.text, d)
		if err != nil {
			return Queries{}, err
		}
		out = append(out, s)
	}
	return Queries{ErrorRatio: out[0], RequestRate: out[1], LatencyP95: out[2], LatencyP99: out[3], Freshness: out[4]}, nil
}

func renderQuery(key, text string, d QueryData) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	t, err := template.New(key).Option("missingkey=zero").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}
