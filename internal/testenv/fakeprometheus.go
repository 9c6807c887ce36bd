package testenv

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// FakePrometheus answers Prometheus's query API (/api/v1/query and
// /api/v1/query_range) with fixed values, for tests that need figures to
// the digit, which a real Prometheus scraping real traffic cannot give: the
// error ratio is 2% per point of a range (1% for an instant query over a
// whole window), the request rate 10 per second, every other series 0.2.
// With the default queries an incident of service "api" thus measures 99%
// availability.
type FakePrometheus struct {
	*httptest.Server
	// Fail, while positive, makes each query answer 503 and counts down.
	Fail atomic.Int64
	// Queries counts the queries received.
	Queries atomic.Int64
}

// StartFakePrometheus starts a FakePrometheus on 127.0.0.1, closed when the
// test ends.
func StartFakePrometheus(t testing.TB) *FakePrometheus {
	t.Helper()
	f := &FakePrometheus{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *FakePrometheus) serve(w http.ResponseWriter, r *http.Request) {
	f.Queries.Add(1)
	if f.Fail.Add(-1) >= 0 {
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
		return
	}
	_ = r.ParseForm()
	q := r.Form.Get("query")
	value := "0.2"
	switch {
	case strings.Contains(q, `code=~`):
		value = "0.02"
	case strings.Contains(q, "http_requests_total"):
		value = "10"
	}
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/query_range") {
		start, _ := strconv.ParseFloat(r.Form.Get("start"), 64)
		end, _ := strconv.ParseFloat(r.Form.Get("end"), 64)
		step, _ := strconv.ParseFloat(r.Form.Get("step"), 64)
		var pts []string
		for t := start; t <= end && step > 0; t += step {
			pts = append(pts, fmt.Sprintf(`[%g,%q]`, t, value))
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[%s]}]}}`, strings.Join(pts, ","))
		return
	}
	if value == "0.02" {
		value = "0.01"
	}
	t, _ := strconv.ParseFloat(r.Form.Get("time"), 64)
	fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%g,%q]}]}}`, t, value)
}
