package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// neighboursRunning counts the processes running the neighbour script.
func neighboursRunning(t *testing.T) int {
	t.Helper()
	paths, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil || len(paths) == 0 {
		t.Fatalf("cannot list processes in /proc: %v", err)
	}
	n := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), "hindsight-bench-neighbour") {
			n++
		}
	}
	return n
}

// TestBenchWebhook_Neighbours: --neighbours runs CPU-bound processes
// beside the measurement, says so on the first line, and stops them before
// the command returns; bad values are usage errors. (Not parallel: it
// counts the machine's neighbour processes.)
func TestBenchWebhook_Neighbours(t *testing.T) {
	if n := neighboursRunning(t); n != 0 {
		t.Fatalf("%d neighbour processes already running", n)
	}
	for _, tt := range []struct{ n, session, lead, want string }{
		{"2", "own", "1s", "2 CPU-bound neighbour processes (own session, started 1s before)"},
		{"1", "shared", "300ms", "1 CPU-bound neighbour process (shared session, started 300ms before)"},
	} {
		code, stdout, stderr := runCLI(t, "", "bench", "webhook", "--db", filepath.Join(t.TempDir(), "bench.db"),
			"--run", "a", "--rate", "20", "--duration", "200ms", "--neighbours", tt.n, "--neighbour-session", tt.session,
			"--neighbour-lead", tt.lead)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if want := tt.want; !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
		if n := neighboursRunning(t); n != 0 {
			t.Errorf("%d neighbour processes still running after the command returned", n)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--neighbours", "-1"}, "--neighbours must be between 0 and 64"},
		{[]string{"--neighbour-session", "other"}, `--neighbour-session must be "own" or "shared"`},
		{[]string{"--neighbours", "1", "--neighbour-lead", "-1s"}, "--neighbour-lead must be between 0 and 1m"},
		{[]string{"--neighbours", "1", "--neighbour-lead", "2m"}, "--neighbour-lead must be between 0 and 1m"},
	} {
		code, _, stderr := runCLI(t, "", append([]string{"bench", "webhook"}, tt.args...)...)
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d stderr %q, want a usage error %q", tt.args, code, stderr, tt.want)
		}
	}
}
