package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// benchTarget is the server that "bench webhook" measures: one it started
// in this process, or another process at --url; and the store it writes,
// when known, for the checks after each run.
type benchTarget struct {
	url, token string
	// dsn is the store's DSN, "" when unknown (--url without --db).
	dsn string
	// run tags the groups of this invocation, so that runs against one
	// server each open incidents of their own.
	run   string
	main  *Main
	store *sqlstore.Store
	// external says the server is another process.
	external bool
	// gcPercent is the in-process server's GOGC (tuneGC), 0 when external.
	gcPercent int
	cleanup   []func()
}

const benchToken = "bench-webhook-token"

// openBenchTarget starts the server (or opens the store of the one at
// o.url, when o.dsn names it).
func openBenchTarget(ctx context.Context, o *benchWebhookOptions) (*benchTarget, error) {
	t := &benchTarget{url: o.url, token: o.token, dsn: o.dsn, run: strconv.FormatInt(time.Now().UnixNano()%1e9, 36), external: o.url != ""}
	if t.external {
		if t.dsn != "" {
			s, err := sqlstore.Open(ctx, t.dsn)
			if err != nil {
				return nil, err
			}
			t.store, t.cleanup = s, append(t.cleanup, func() { s.Close() })
		}
		return t, nil
	}
	if t.dsn == "" {
		dir, err := os.MkdirTemp("", "hindsight-bench-")
		if err != nil {
			return nil, err
		}
		t.cleanup = append(t.cleanup, func() { os.RemoveAll(dir) })
		t.dsn = filepath.Join(dir, "hindsight.db")
	}
	t.gcPercent = tuneGC()
	cfg := config.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Webhook.Token = config.Secret(benchToken)
	cfg.Webhook.BodyLimit = 64 << 20
	// The server's per-webhook info lines would cost CPU during the
	// measurement and bury its figures; warnings and errors still show.
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	m := &Main{Config: cfg, DSN: t.dsn, Log: quiet}
	if err := m.Run(ctx); err != nil {
		t.close()
		return nil, err
	}
	t.main, t.store, t.url, t.token = m, m.Store, m.URL(), benchToken
	t.cleanup = append(t.cleanup, func() { m.Close() })
	return t, nil
}

// close stops what openBenchTarget started, in reverse order.
func (t *benchTarget) close() {
	for i := len(t.cleanup) - 1; i >= 0; i-- {
		t.cleanup[i]()
	}
}

// describe is the first line of the output: where the load goes.
func (t *benchTarget) describe(o benchWebhookOptions) string {
	engine := "unknown (no --db)"
	if t.store != nil {
		engine = t.store.Engine()
	}
	where := "in this process, the load generator beside it"
	if t.external {
		where = "another process; this one only sends the load"
	}
	line := fmt.Sprintf("engine %s, server %s (%s), GOMAXPROCS %d", engine, t.url, where, runtime.GOMAXPROCS(0))
	if !t.external {
		line += fmt.Sprintf(", GOGC %d", t.gcPercent)
	}
	switch o.neighbours {
	case 0:
		line += ", no CPU-bound neighbour"
	case 1:
		line += ", 1 CPU-bound neighbour process"
	default:
		line += fmt.Sprintf(", %d CPU-bound neighbour processes", o.neighbours)
	}
	if o.neighbours > 0 {
		line += fmt.Sprintf(" (%s session, started %s before)", o.neighbourSession, o.neighbourLead)
	}
	return line
}

// reportIndex waits for the search index to catch up with what the run
// stored (the server rebuilds it after answering) and prints how long
// after the run's last answer that took.
func (t *benchTarget) reportIndex(ctx context.Context, w io.Writer) {
	if t.store == nil {
		fmt.Fprintln(w, "    search index: not checked (no --db)")
		return
	}
	began := time.Now()
	queued, _, err := t.store.IndexQueueLength(ctx)
	for n := queued; err == nil && n > 0; n, _, err = t.store.IndexQueueLength(ctx) {
		if time.Since(began) > time.Minute {
			fmt.Fprintf(w, "    search index: %d incidents still queued a minute after the last answer\n", n)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err != nil {
		fmt.Fprintf(w, "    search index: %v\n", err)
		return
	}
	fmt.Fprintf(w, "    search index caught up %s after the last answer (%d incidents queued then)\n", ms(time.Since(began)), queued)
}

// checkKept counts the alert states stored for the run's incidents and
// says whether every alert sent was kept.
func (t *benchTarget) checkKept(ctx context.Context, ids []string, want int) string {
	if t.store == nil {
		return "alerts kept: not checked (no --db)"
	}
	seen, kept := map[string]bool{}, 0
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		states, err := t.store.FindAlertStates(ctx, id)
		if err != nil {
			return fmt.Sprintf("alerts kept: cannot read %s: %v", id, err)
		}
		kept += len(states)
	}
	verdict := "every alert kept"
	if kept != want {
		verdict = "ALERTS MISSING"
	}
	return fmt.Sprintf("%d of %d alerts stored (%s)", kept, want, verdict)
}
