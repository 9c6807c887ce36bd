package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// TestMain runs four parallel tests at a time: many of them wait on a
// server, a scrape or a background worker rather than compute (the real
// Prometheus test waits about 35 seconds for scrapes).
func TestMain(m *testing.M) {
	testenv.DefaultParallel(4)
	os.Exit(m.Run())
}

// runCLI runs the command line in-process and returns its exit code and streams.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}
