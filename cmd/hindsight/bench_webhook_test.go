package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchWebhook runs a very small "bench webhook": it checks that the
// command is registered under "bench" and prints every figure, not how fast
// anything is.
func TestBenchWebhook(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "bench.db")
	code, stdout, stderr := runCLI(t, "", "bench", "webhook", "--db", db,
		"--rate", "50", "--duration", "200ms", "--batches", "2", "--alerts", "20", "--concurrency", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"engine sqlite", "in this process", "GOMAXPROCS", "GOGC ", "(a) 50 webhooks/s", "no limit in flight", "failed 0", "p99",
		"search index caught up", "(b) 2 webhooks of 20 alerts", "webhooks/s", "alerts/s", "40 of 40 alerts stored (every alert kept)",
		"plain batched INSERT of the same 40 rows", "Hindsight = "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestBenchWebhook_External measures a server running apart (here a Main
// of the test) through --url, the many-alert case alone, and checks in its
// store, named by --db, that every alert was kept.
func TestBenchWebhook_External(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "served.db")
	m := MustRunMain(t, db, nil)
	code, stdout, stderr := runCLI(t, "", "bench", "webhook", "--url", m.URL(), "--token", serveToken, "--db", db,
		"--run", "b", "--batches", "6", "--alerts", "100", "--concurrency", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"engine sqlite", "another process", "(b) 6 webhooks of 100 alerts, 3 in flight",
		"600 of 600 alerts stored (every alert kept)", "search index caught up"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "(a)") {
		t.Errorf("--run b ran the open loop too:\n%s", stdout)
	}

	// The open loop alone, at most 2 in flight, and without --db: nothing
	// to check the store with, and it says so.
	code, stdout, stderr = runCLI(t, "", "bench", "webhook", "--url", m.URL(), "--token", serveToken,
		"--run", "a", "--rate", "40", "--duration", "250ms", "--inflight", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"engine unknown", "(a) 40 webhooks/s of 1 alert for 250ms, at most 2 in flight", "failed 0",
		"search index: not checked (no --db)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	// With a warm-up: its webhooks are sent and reported apart, and the
	// measured run says it followed one.
	code, stdout, stderr = runCLI(t, "", "bench", "webhook", "--url", m.URL(), "--token", serveToken, "--db", db,
		"--run", "a", "--rate", "40", "--duration", "250ms", "--warmup", "100ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"(a) warm-up, not measured: 40 webhooks/s for 100ms, sent 4, failed 0",
		"(a) 40 webhooks/s of 1 alert for 250ms after a 100ms warm-up, no limit in flight: sent 10, failed 0"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBenchWebhook_BadFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0"}, "--rate must be between"},
		{[]string{"--run", "c"}, `--run must be "a", "b" or "ab"`},
		{[]string{"--inflight", "-1"}, "--inflight must be 0"},
		{[]string{"--warmup", "2m"}, "--warmup must be between"},
		{[]string{"--url", "http://127.0.0.1:1"}, "--url needs --token"},
	} {
		code, _, stderr := runCLI(t, "", append([]string{"bench", "webhook"}, tt.args...)...)
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d stderr %q, want a usage error %q", tt.args, code, stderr, tt.want)
		}
	}
}
