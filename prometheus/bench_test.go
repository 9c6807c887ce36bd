package prometheus_test

import (
	"context"
	"sync"
	"testing"

	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/prometheus"
)

// canned serves each distinct query from a cache after its first answer, so
// that Prometheus's share of the time is close to nothing.
func canned(a answer) answer {
	var mu sync.Mutex
	cache := map[string]string{}
	return func(c call) (int, string) {
		key := c.path + " " + c.query
		mu.Lock()
		defer mu.Unlock()
		if body, ok := cache[key]; ok {
			return 200, body
		}
		status, body := a(c)
		cache[key] = body
		return status, body
	}
}

// BenchmarkBackfill measures 1,000 resolved one-hour incidents, one after
// the other, each with its eight queries over HTTP to a fake Prometheus
// that answers from a cache: the client's and the calculation's time.
func BenchmarkBackfill(b *testing.B) {
	fake := startFake(b, canned(healthy))
	c, err := prometheus.New(config.PrometheusConfig{URL: fake.URL})
	if err != nil {
		b.Fatal(err)
	}
	req := request()
	ctx := context.Background()
	for b.Loop() {
		for range 1000 {
			if imp := c.Impact(ctx, req); !imp.Availability.Measured {
				b.Fatalf("Availability %s", imp.Availability)
			}
		}
	}
}
