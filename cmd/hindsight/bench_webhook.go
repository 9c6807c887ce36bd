package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// init adds "bench webhook" under the "bench" command that bench.go
// registers, without touching that file: it wraps every factory registered
// so far (files initialize in name order, so bench.go's is among them), and
// bench_webhook_test.go checks that the subcommand is there.
func init() {
	for i, f := range commandFactories {
		commandFactories[i] = func(g *globals) *cobra.Command {
			cmd := f(g)
			if cmd.Name() == "bench" {
				cmd.AddCommand(newBenchWebhookCmd(g))
			}
			return cmd
		}
	}
}

// benchWebhookOptions are the figures "bench webhook" is asked for.
type benchWebhookOptions struct {
	dsn         string
	url         string
	token       string
	runs        string
	rate        int
	duration    time.Duration
	warmup      time.Duration
	inflight    int
	alerts      int
	batches     int
	concurrency int
	cpuProfile  string
	neighbours  int
	// neighbourSession is "own" (each neighbour in a session of its own)
	// or "shared" (in the bench's).
	neighbourSession string
	// neighbourLead is how long the neighbours run before the measurement.
	neighbourLead time.Duration
}

func newBenchWebhookCmd(g *globals) *cobra.Command {
	var o benchWebhookOptions
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Measure the Alertmanager webhook on loopback: latency at a fixed rate, and alerts stored per second",
		Long: `Start a server on 127.0.0.1 with a new store (or use the one at --url) and
measure it:
(a) open-loop: --rate webhooks per second of one alert each, each a new group
    that opens an incident, for --duration, at most --inflight at a time (0:
    no limit); latency counts from when each request was due; prints
    p50/p95/p99 and the rate achieved;
(b) throughput: --batches webhooks of --alerts alerts each, each a new group,
    --concurrency at a time; prints webhooks and alerts stored durably per
    second, and checks in the store that every alert was kept;
then a plain batched INSERT of the same rows into one table of the same kind
of store, and Hindsight's rate as a fraction of it. After each run it waits
for the search index, which the server rebuilds after answering, and prints
how long after the last answer it caught up.

--db must name a new SQLite file (default: one in a temporary directory) or
an empty PostgreSQL database: the run writes into it. With --url the server
is another process ("hindsight serve", with --token as its webhook token):
the load then comes from this process only, and --db, when given, names
that server's store, read to check the alerts kept and the search index.

--neighbours N runs N CPU-bound shell loops beside the measurement, from
--neighbour-lead (a second) before it to its end: the figures of a machine
doing other work. A loop that has just started weighs more on the first
seconds than one that has run for a while: --neighbour-lead 10s measures
beside neighbours already running, as another service's would be.
Each runs in a session of its own, as another service's work would; with
--neighbour-session shared they run in this command's session, which under
Linux's autogroup scheduling (kernel.sched_autogroup_enabled) makes them
share this process's CPU share: a harsher case.`,
		Example: `  hindsight bench webhook
  hindsight bench webhook --db postgres://hindsight:…@127.0.0.1/hs_bench
  hindsight bench webhook --run b --alerts 100 --concurrency 4 --batches 1000
  hindsight bench webhook --run a --neighbours 1    # with a CPU-bound neighbour
  hindsight bench webhook --url http://127.0.0.1:8080 --token "$HINDSIGHT_WEBHOOK_TOKEN" --db hs.db --run a --inflight 32`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBenchWebhook(cmd.Context(), g.stdout, o)
		},
	}
	cmd.Flags().StringVar(&o.dsn, "db", "", "store: a new SQLite file or an empty postgres:// database (default: a temporary SQLite file); with --url, the server's store, for the checks")
	cmd.Flags().StringVar(&o.url, "url", "", "measure the server at this base URL instead of starting one")
	cmd.Flags().StringVar(&o.token, "token", "", "the webhook bearer token of the server at --url")
	cmd.Flags().StringVar(&o.runs, "run", "ab", `which runs: "a" (open loop), "b" (throughput), or "ab"`)
	cmd.Flags().IntVar(&o.rate, "rate", 1000, "webhooks per second in the open-loop run")
	cmd.Flags().DurationVar(&o.duration, "duration", 10*time.Second, "length of the open-loop run (at most 1m)")
	cmd.Flags().DurationVar(&o.warmup, "warmup", 0, "send the open-loop run's load for this long first, unmeasured (at most 1m): a fresh server's first second is slower")
	cmd.Flags().IntVar(&o.inflight, "inflight", 0, "most webhooks in flight at once in the open-loop run (0: no limit)")
	cmd.Flags().IntVar(&o.alerts, "alerts", 500, "alerts per webhook in the throughput run")
	cmd.Flags().IntVar(&o.batches, "batches", 40, "webhooks in the throughput run (at most 5000)")
	cmd.Flags().IntVar(&o.concurrency, "concurrency", 4, "webhooks in flight at once in the throughput run")
	cmd.Flags().IntVar(&o.neighbours, "neighbours", 0, "CPU-bound processes (shell loops) to run beside the measurement, started --neighbour-lead before it: the loaded figures")
	cmd.Flags().DurationVar(&o.neighbourLead, "neighbour-lead", defaultNeighbourLead, "how long the neighbours run before the measurement (and its warm-up) begins (at most 1m)")
	cmd.Flags().StringVar(&o.neighbourSession, "neighbour-session", "own", `"own": each neighbour in a session of its own, as another service's work; "shared": in this command's session, sharing its CPU share under Linux's autogroup scheduling`)
	cmd.Flags().StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	return cmd
}

func (o *benchWebhookOptions) validate() error {
	switch {
	case o.rate <= 0 || o.rate > 20000:
		return usageError("--rate must be between 1 and 20000")
	case o.duration <= 0 || o.duration > time.Minute:
		return usageError("--duration must be between 1ms and 1m")
	case o.warmup < 0 || o.warmup > time.Minute:
		return usageError("--warmup must be between 0 and 1m")
	case o.alerts <= 0 || o.batches <= 0 || o.batches > 5000 || o.concurrency <= 0:
		return usageError("--alerts, --batches (at most 5000) and --concurrency must be positive")
	case o.neighbours < 0 || o.neighbours > 64:
		return usageError("--neighbours must be between 0 and 64")
	case o.neighbourLead < 0 || o.neighbourLead > time.Minute:
		return usageError("--neighbour-lead must be between 0 and 1m")
	case o.neighbourSession != "own" && o.neighbourSession != "shared":
		return usageError(`--neighbour-session must be "own" or "shared"`)
	case o.inflight < 0:
		return usageError("--inflight must be 0 (no limit) or positive")
	case o.runs != "a" && o.runs != "b" && o.runs != "ab":
		return usageError(`--run must be "a", "b" or "ab"`)
	case o.url != "" && o.token == "":
		return usageError("--url needs --token, the server's webhook token")
	}
	return nil
}

func usageError(msg string) error { return &exitCodeError{code: exitError, err: fmt.Errorf("%s", msg)} }

// runBenchWebhook runs the measurements asked for and the baseline, and
// prints them.
func runBenchWebhook(ctx context.Context, w io.Writer, o benchWebhookOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	t, err := openBenchTarget(ctx, &o)
	if err != nil {
		return err
	}
	defer t.close()
	stop, err := startNeighbours(ctx, o.neighbours, o.neighbourSession == "own", o.neighbourLead)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(w, "%s\n", t.describe(o))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}}
	if strings.Contains(o.runs, "a") {
		runOpenLoop(ctx, w, client, t, o)
	}
	if strings.Contains(o.runs, "b") {
		return runThroughput(ctx, w, client, t, o)
	}
	return nil
}

// runOpenLoop runs and prints (a).
func runOpenLoop(ctx context.Context, w io.Writer, client *http.Client, t *benchTarget, o benchWebhookOptions) {
	after := ""
	if o.warmup > 0 {
		lat, _, failed := openLoop(ctx, client, t, "W", o.warmup, o)
		fmt.Fprintf(w, "(a) warm-up, not measured: %d webhooks/s for %s, sent %d, failed %d\n", o.rate, o.warmup, len(lat)+failed, failed)
		after = fmt.Sprintf(" after a %s warm-up", o.warmup)
	}
	lat, achieved, failed := openLoop(ctx, client, t, "L", o.duration, o)
	limit := "no limit in flight"
	if o.inflight > 0 {
		limit = fmt.Sprintf("at most %d in flight", o.inflight)
	}
	fmt.Fprintf(w, "(a) %d webhooks/s of 1 alert for %s%s, %s: sent %d, failed %d, achieved %.0f/s, p50 %s p95 %s p99 %s max %s\n",
		o.rate, o.duration, after, limit, len(lat)+failed, failed, achieved, ms(pct(lat, 50)), ms(pct(lat, 95)), ms(pct(lat, 99)), ms(pct(lat, 100)))
	t.reportIndex(ctx, w)
}

// runThroughput runs and prints (b), then the baseline INSERT.
func runThroughput(ctx context.Context, w io.Writer, client *http.Client, t *benchTarget, o benchWebhookOptions) error {
	ids, elapsed, err := throughput(ctx, client, t, o)
	if err != nil {
		return err
	}
	stored := o.batches * o.alerts
	rate := float64(stored) / elapsed.Seconds()
	fmt.Fprintf(w, "(b) %d webhooks of %d alerts, %d in flight: %d alerts in %s = %.1f webhooks/s, %.0f alerts/s; %s\n",
		o.batches, o.alerts, o.concurrency, stored, elapsed.Round(time.Millisecond),
		float64(o.batches)/elapsed.Seconds(), rate, t.checkKept(ctx, ids, stored))
	t.reportIndex(ctx, w)
	if t.dsn == "" {
		fmt.Fprintln(w, "    plain batched INSERT baseline: not run (no --db)")
		return nil
	}
	base, err := sqlstore.BaselineInsert(ctx, t.dsn, o.batches, o.alerts)
	if err != nil {
		return storeFailure("baseline insert", err)
	}
	fmt.Fprintf(w, "    plain batched INSERT of the same %d rows (%d per transaction): %.0f rows/s; Hindsight = %.1f%% of it\n",
		stored, o.alerts, base, 100*rate/base)
	return nil
}

// benchPayload is a firing notification of one new group: n alerts that
// start at start, named so that the group's incident has an ID of its own.
func benchPayload(run string, group, n int, start time.Time) []byte {
	name := fmt.Sprintf("Bench%s%d", run, group)
	msg := alertmanager.Message{
		Version: "4", Status: "firing", Receiver: "hindsight",
		GroupKey:     fmt.Sprintf(`{}:{alertname=%q}`, name),
		GroupLabels:  map[string]string{"alertname": name},
		CommonLabels: map[string]string{"alertname": name, "service": "api", "severity": "critical"},
		ExternalURL:  "http://alertmanager.example.com:9093",
	}
	for i := range n {
		labels := map[string]string{"alertname": name, "service": "api", "severity": "critical",
			"instance": fmt.Sprintf("10.0.%d.%d:8080", i/250, i%250)}
		msg.Alerts = append(msg.Alerts, alertmanager.Alert{Status: "firing", Labels: labels, StartsAt: start,
			Annotations:  map[string]string{"summary": "benchmark alert"},
			GeneratorURL: "http://prometheus.example.com:9090/graph", Fingerprint: fmt.Sprintf("%08x%08x", group, i)})
	}
	b, _ := json.Marshal(msg)
	return b
}

// post sends one webhook and returns the incident it was applied to, once
// answered 200.
func post(ctx context.Context, client *http.Client, t *benchTarget, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url+"/api/v1/alerts/alertmanager", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+t.token)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	var res alertmanager.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return "", fmt.Errorf("answer %q: %w", b, err)
	}
	return res.IncidentID, nil
}

// openLoop sends o.rate webhooks per second for d whatever the
// answers do, and measures each one's latency from when it was due, so
// that a slow server cannot hide its queueing (coordinated omission). With
// o.inflight, a request due while that many are unanswered waits for one
// of them, and its wait counts in its latency. tag keeps the groups of
// one loop apart from another's.
func openLoop(ctx context.Context, client *http.Client, t *benchTarget, tag string, d time.Duration, o benchWebhookOptions) ([]time.Duration, float64, int) {
	total := int(float64(o.rate) * d.Seconds())
	interval := time.Second / time.Duration(o.rate)
	start, day := time.Now(), time.Now().UTC().Truncate(time.Minute)
	var slots chan struct{}
	if o.inflight > 0 {
		slots = make(chan struct{}, o.inflight)
	}
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var wg sync.WaitGroup
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		body := benchPayload(t.run+tag, i, 1, day)
		if slots != nil {
			slots <- struct{}{}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := post(ctx, client, t, body)
			d := time.Since(due)
			if slots != nil {
				<-slots
			}
			if err != nil {
				failed.Add(1)
				return
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	return lat, float64(len(lat)) / elapsed.Seconds(), int(failed.Load())
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

// throughput posts the large webhooks, concurrency at a time, and returns
// the incident each opened and the time it took.
func throughput(ctx context.Context, client *http.Client, t *benchTarget, o benchWebhookOptions) ([]string, time.Duration, error) {
	bodies := make([]([]byte), o.batches)
	start := time.Now().UTC().Truncate(time.Minute)
	for i := range bodies {
		bodies[i] = benchPayload(t.run+"T", i, o.alerts, start)
	}
	ids := make([]string, o.batches)
	next := make(chan int)
	errs := make(chan error, o.concurrency)
	began := time.Now()
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id, err := post(ctx, client, t, bodies[i])
				if err != nil {
					errs <- err
					return
				}
				ids[i] = id
			}
		}()
	}
	for i := range bodies {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(began)
	select {
	case err := <-errs:
		return nil, 0, fmt.Errorf("throughput run: %w", err)
	default:
	}
	return ids, elapsed, nil
}
