//go:build linux

package testenv

import (
	"os"
	"testing"
	"time"
)

// TestOtherProcessCPU: /proc's figure for this process agrees with
// getrusage's, within /proc's 10 ms resolution and the time between the
// two reads, once the process has used some CPU; an absent process is an
// error.
func TestOtherProcessCPU(t *testing.T) {
	for start := ProcessCPU(); ProcessCPU()-start < 200*time.Millisecond; {
	}
	proc, err := OtherProcessCPU(os.Getpid())
	self := ProcessCPU()
	if err != nil {
		t.Fatal(err)
	}
	if proc < 200*time.Millisecond || proc > self+20*time.Millisecond || self-proc > 50*time.Millisecond {
		t.Errorf("/proc says %v, getrusage %v", proc, self)
	}
	if _, err := OtherProcessCPU(1 << 30); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
