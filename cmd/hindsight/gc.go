package main

import (
	"os"
	"runtime/debug"
)

// serverGCPercent is the garbage collector's target for the server when
// the GOGC environment variable does not set one: the heap may grow to five
// times what is live between collections instead of twice (Go's default,
// 100). The server's live heap is small (tens of MB), and at 1,000
// webhooks/s the collector at 100 took about 6% of the process's CPU,
// mostly on the cores the intake's committer needs; at 400 about 1%
// (docs/performance.md, "Webhook intake").
const serverGCPercent = 400

// tuneGC sets the collector's target for a long-running server process,
// unless the operator set GOGC, which always wins. It returns the target in
// force.
func tuneGC() int {
	if v, ok := os.LookupEnv("GOGC"); ok && v != "" {
		old := debug.SetGCPercent(-1)
		debug.SetGCPercent(old)
		return old
	}
	debug.SetGCPercent(serverGCPercent)
	return serverGCPercent
}
