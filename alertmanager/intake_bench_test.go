//go:build unix

package alertmanager_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// BenchmarkIntake measures the intake of one notification at a time, each
// of a new group (it opens an incident with its draft), into a real store:
// of one alert, of 100, and of 1 to 100 by turns, whose multi-row
// statements vary in size. Besides the time, it reports the process's CPU
// time per notification (cpu-ms/op: this process's, the search index's
// rebuild after the commit included, PostgreSQL's own server not): each
// commit waits for its fsync, which the time counts and the CPU does not.
// Run with -run '^$' -bench Intake -benchtime 1000x.
func BenchmarkIntake(b *testing.B) {
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"SQLite", teststore.SQLiteDSN}, {"Postgres", teststore.PostgresDSN}} {
		for _, c := range []struct {
			name   string
			alerts func(i int) int
		}{
			{"alerts=1", func(int) int { return 1 }},
			{"alerts=100", func(int) int { return 100 }},
			{"alerts=1-100", func(i int) int { return 1 + i*37%100 }},
		} {
			b.Run(engine.name+"/"+c.name, func(b *testing.B) {
				f := newFixture(b, engine.dsn(b))
				ctx := context.Background()
				alerts := 0
				i := 0
				cpu := testenv.ProcessCPU()
				for b.Loop() {
					raw, msg := benchNotification(b, i, c.alerts(i))
					if _, err := f.intake.Ingest(ctx, raw, msg); err != nil {
						b.Fatal(err)
					}
					alerts += len(msg.Alerts)
					i++
				}
				b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
				b.ReportMetric(float64(testenv.ProcessCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// benchNotification is a firing notification of n alerts of a new group,
// as Alertmanager would send it.
func benchNotification(tb testing.TB, group, n int) ([]byte, *alertmanager.Message) {
	name := fmt.Sprintf("BenchIntake%d", group)
	msg := alertmanager.Message{
		Version: "4", Status: "firing", Receiver: "hindsight",
		GroupKey:     fmt.Sprintf(`{}:{alertname=%q}`, name),
		GroupLabels:  map[string]string{"alertname": name},
		CommonLabels: map[string]string{"alertname": name, "severity": "critical"},
	}
	start := time.Date(2026, 11, 27, 5, 58, 0, 0, time.UTC)
	for i := range n {
		msg.Alerts = append(msg.Alerts, alertmanager.Alert{Status: "firing", StartsAt: start,
			Labels:      map[string]string{"alertname": name, "severity": "critical", "instance": fmt.Sprintf("10.0.%d.%d:8080", i/250, i%250)},
			Annotations: map[string]string{"summary": "benchmark alert"}, Fingerprint: fmt.Sprintf("%08x%08x", group, i)})
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	return raw, &msg
}
