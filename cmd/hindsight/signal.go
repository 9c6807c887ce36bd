package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalNotify returns a context that SIGTERM or Ctrl-C cancels; its cause
// names the signal, which the shutdown line reports.
func signalNotify() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
