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
	for _, want := range []string{"engine sqlite", "(a) 50 webhooks/s", "failed 0", "p99", "(b) 2 webhooks of 20 alerts", "alerts/s", "plain batched INSERT of the same 40 rows", "Hindsight = "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBenchWebhook_BadFlags(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "", "bench", "webhook", "--rate", "0")
	if code == 0 || !strings.Contains(stderr, "--rate must be between") {
		t.Errorf("exit %d stderr %q, want a usage error", code, stderr)
	}
}
