// Command hindsight generates, lints, imports and exports incident
// post-mortems, and serves the Hindsight web UI, JSON API and Alertmanager
// webhook.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// Exit codes: 1 for findings (lint), 2 for usage, input and runtime errors.
const (
	exitFindings = 1
	exitError    = 2
)

// exitError carries an exit code out of a command.
type exitCodeError struct {
	code int
	err  error
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitCodeError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signalNotify()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the process exit code. Errors
// are printed as one line on stderr: "hindsight: <what was wrong>".
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ce *exitCodeError
	if errors.As(err, &ce) {
		if ce.err != nil {
			fmt.Fprintln(stderr, "hindsight: "+userMessage(ce.err))
		}
		return ce.code
	}
	fmt.Fprintln(stderr, "hindsight: "+userMessage(err))
	return exitError
}

// userMessage returns err's text with its wrapping prefixes ("--start: …"):
// on the command line every error is the user's to read.
func userMessage(err error) string {
	return err.Error()
}
