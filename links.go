package hindsight

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WithTimeRange returns the dashboard URL u with Grafana's from and to
// query parameters set to [from, to] in Unix milliseconds, replacing any
// it had; u unchanged when it is not an absolute http(s) URL.
func WithTimeRange(u string, from, to time.Time) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return u
	}
	q := p.Query()
	q.Set("from", strconv.FormatInt(from.UnixMilli(), 10))
	q.Set("to", strconv.FormatInt(to.UnixMilli(), 10))
	p.RawQuery = q.Encode()
	return p.String()
}

// PrometheusGraphURL returns the link to Prometheus's graph page showing
// the first query of f over its range, "" when base is empty or f has no
// query or range.
func PrometheusGraphURL(base string, f Figure) string {
	query, _, _ := strings.Cut(f.Query, "; ")
	if base == "" || query == "" || f.End.IsZero() || !f.End.After(f.Start) {
		return ""
	}
	q := url.Values{}
	q.Set("g0.expr", query)
	q.Set("g0.tab", "0")
	q.Set("g0.range_input", promRange(f.End.Sub(f.Start)))
	q.Set("g0.end_input", f.End.UTC().Format("2006-01-02 15:04:05"))
	if f.Step > 0 {
		q.Set("g0.step_input", strconv.FormatInt(int64(f.Step/time.Second), 10))
	}
	return strings.TrimRight(base, "/") + "/graph?" + q.Encode()
}

// promRange writes a range as Prometheus's graph page reads it: "90m",
// "2h", "30d", rounded up to whole seconds.
func promRange(d time.Duration) string {
	switch s := int64((d + time.Second - 1) / time.Second); {
	case s%86400 == 0:
		return strconv.FormatInt(s/86400, 10) + "d"
	case s%3600 == 0:
		return strconv.FormatInt(s/3600, 10) + "h"
	case s%60 == 0:
		return strconv.FormatInt(s/60, 10) + "m"
	default:
		return strconv.FormatInt(s, 10) + "s"
	}
}
