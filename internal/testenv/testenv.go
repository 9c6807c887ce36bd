// Package testenv starts the real components that Hindsight's end-to-end tests
// run against: PostgreSQL databases, Prometheus, Alertmanager, Chromium, an
// in-process exporter whose traffic a test controls, and a fake Prometheus
// query API for figures known to the digit. internal/teststore opens stores
// on the databases it creates.
//
// It is meant for tests only. Every helper takes a testing.TB, listens on
// 127.0.0.1 only, and stops what it started in t.Cleanup.
//
// The paths and addresses come from the HINDSIGHT_TEST_* variables that
// scripts/test.sh exports. When a component is missing, a helper skips the test
// with a message that says to run ./scripts/test.sh, except under CI=true,
// where a missing component fails the test: CI must never pass by skipping.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Environment variables read by this package; scripts/test.sh exports them.
const (
	// EnvPostgresDSN holds the admin DSN of the test PostgreSQL database.
	EnvPostgresDSN = "HINDSIGHT_TEST_POSTGRES_DSN"
	// EnvPrometheus holds the path of the prometheus binary.
	EnvPrometheus = "HINDSIGHT_TEST_PROMETHEUS"
	// EnvAlertmanager holds the path of the Alertmanager binary.
	EnvAlertmanager = "HINDSIGHT_TEST_ALERTMANAGER"
	// EnvChromium holds the path of the Chromium binary.
	EnvChromium = "HINDSIGHT_TEST_CHROMIUM"
)

// InCI reports whether the tests run under CI (CI=true or CI=1), where a
// missing component is a failure rather than a reason to skip.
func InCI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}

// missing fails the test under CI and skips it elsewhere.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s (CI=true: a missing component is a failure; ./scripts/test.sh installs it)", msg)
	}
	t.Skipf("%s; run ./scripts/test.sh, which installs and starts it", msg)
}

// requireBinary returns the executable named by the environment variable env,
// or def when it is unset; a missing executable skips or fails the test.
func requireBinary(t testing.TB, name, env, def string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		path = def
	}
	resolved, err := exec.LookPath(path)
	if err != nil {
		missing(t, "%s not found at %s (set %s to its path)", name, path, env)
	}
	return resolved
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago. Another
// process may take it before the caller binds it; the process starters retry
// on that.
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	return port
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// WaitHTTP polls url until it answers 200 OK and fails the test if it has not
// within timeout.
func WaitHTTP(t testing.TB, url string, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := waitHTTP(ctx, url, nil); err != nil {
		t.Fatalf("testenv: %s not ready within %s: %v", url, timeout, err)
	}
}

// waitHTTP polls url until it answers 200 OK, ctx ends, or exited (when not
// nil) is closed because the process behind url stopped.
func waitHTTP(ctx context.Context, url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last attempt: %v)", ctx.Err(), last)
		case <-exited:
			return errProcessExited
		case <-ticker.C:
		}
	}
}

var errProcessExited = errors.New("process exited before it was ready")

// isAddrInUse reports whether a process log says its port was taken.
func isAddrInUse(log string) bool {
	return strings.Contains(log, "address already in use")
}
