package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestTuneGC: without GOGC the server's collector target is
// serverGCPercent; with GOGC set, the operator's value stays in force.
func TestTuneGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })

	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	if got := tuneGC(); got != serverGCPercent {
		t.Errorf("tuneGC() = %d without GOGC, want %d", got, serverGCPercent)
	}
	if got := debug.SetGCPercent(serverGCPercent); got != serverGCPercent {
		t.Errorf("collector target %d after tuneGC, want %d", got, serverGCPercent)
	}

	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150) // what the runtime read from GOGC at start
	if got := tuneGC(); got != 150 {
		t.Errorf("tuneGC() = %d with GOGC=150, want 150 kept", got)
	}
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("collector target %d with GOGC=150, want 150", got)
	}
}
