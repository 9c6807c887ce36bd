package main

import (
	"context"
	"fmt"
	"os/exec"
	"time"
)

// neighbourScript is a CPU-bound shell loop: what "loaded" means in the
// figures of docs/performance.md. It counts in the shell, a pure CPU load,
// and every hundred thousand steps checks that the bench that started it
// is still there, so that it ends even when the bench is killed. The
// leading no-op names it in a process list.
const neighbourScript = `: hindsight-bench-neighbour; while :; do i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; kill -0 $PPID 2>/dev/null || exit 0; done`

// defaultNeighbourLead is how long the neighbours run before the
// measurement (--neighbour-lead), so that the scheduler already shares the
// cores when the load starts.
const defaultNeighbourLead = time.Second

// startNeighbours starts n CPU-bound processes beside the measurement and
// returns the function that stops them and waits for them to end, after
// they have run for lead. With
// ownSession each runs in a session of its own, as another service's work
// would: Linux's autogroup scheduling then shares the CPU between the
// bench's session and each neighbour's. Without it the neighbours share
// the bench's session, and so its share.
func startNeighbours(ctx context.Context, n int, ownSession bool, lead time.Duration) (stop func(), err error) {
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
	for range n {
		c := exec.CommandContext(ctx, "sh", "-c", neighbourScript)
		if ownSession {
			newSession(c)
		}
		if err := c.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("starting a CPU-bound neighbour (sh): %w", err)
		}
		cmds = append(cmds, c)
	}
	if n > 0 {
		time.Sleep(lead)
	}
	return stop, nil
}
