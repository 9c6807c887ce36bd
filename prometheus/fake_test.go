package prometheus_test

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/config"
)

// testQueries are templates whose metric names tell the fake which figure a
// query is for.
var testQueries = config.Queries{
	ErrorRatio:  `ratio{job="{{.Service}}",range="{{.Range}}"}`,
	RequestRate: `rps{job="{{.Service}}",range="{{.Range}}"}`,
	LatencyP95:  `p95{job="{{.Service}}"}`,
	LatencyP99:  `p99{job="{{.Service}}"}`,
	Freshness:   `fresh{job="{{.Service}}"}`,
}

// call is one request the fake Prometheus received.
type call struct {
	path, query   string
	start, end, t time.Time
	step          time.Duration
	auth          string
}

// answer returns the HTTP status and JSON body for a call.
type answer func(c call) (int, string)

// fakeProm is an httptest server that speaks enough of Prometheus's query
// API for the client, and records every call.
type fakeProm struct {
	*httptest.Server
	mu    sync.Mutex
	calls []call
}

func startFake(tb testing.TB, a answer) *fakeProm {
	tb.Helper()
	f := &fakeProm{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := call{path: r.URL.Path, query: r.Form.Get("query"), auth: r.Header.Get("Authorization"),
			start: unix(r.Form.Get("start")), end: unix(r.Form.Get("end")), t: unix(r.Form.Get("time"))}
		if s, err := strconv.ParseFloat(r.Form.Get("step"), 64); err == nil {
			c.step = time.Duration(s * float64(time.Second))
		}
		f.mu.Lock()
		f.calls = append(f.calls, c)
		f.mu.Unlock()
		status, body := a(c)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	tb.Cleanup(f.Close)
	return f
}

// recorded returns the calls so far.
func (f *fakeProm) recorded() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func unix(s string) time.Time {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, int64(v*1e9)).UTC()
}

// metricOf returns the metric name a test query starts with.
func metricOf(q string) string {
	if i := strings.IndexByte(q, '{'); i > 0 {
		return q[:i]
	}
	return q
}

// matrix is a range answer with one series whose value at t is f(t); a NaN
// from f is written as Prometheus writes it, and skip(t) leaves gaps.
func matrix(c call, f func(t time.Time) float64, skip func(t time.Time) bool) string {
	var b strings.Builder
	b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[`)
	first := true
	for t := c.start; !t.After(c.end); t = t.Add(c.step) {
		if skip != nil && skip(t) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, `[%s,"%s"]`, promTime(t), promValue(f(t)))
	}
	b.WriteString(`]}]}}`)
	return b.String()
}

// vector is an instant answer with one sample.
func vector(c call, v float64) string {
	return fmt.Sprintf(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%s,"%s"]}]}}`,
		promTime(c.t), promValue(v))
}

const emptyMatrix = `{"status":"success","data":{"resultType":"matrix","result":[]}}`

func promTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixNano())/1e9, 'f', -1, 64)
}

func promValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
