package main

import (
	"io"

	"github.com/spf13/cobra"
)

// globals are the flags and streams every command shares.
type globals struct {
	configPath string
	// log holds --log-format and --log-level (logging.go).
	log logFlags
	// verbose (-v) makes commands say which store they read.
	verbose bool
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	// storeDSN is the store the command opened, for wroteTo.
	storeDSN string
}

// commandFactories are registered by each command's file in its init, so that
// adding a command touches only its own file.
var commandFactories []func(g *globals) *cobra.Command

func register(f func(g *globals) *cobra.Command) {
	commandFactories = append(commandFactories, f)
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "hindsight",
		Short:         "Incident post-mortems from alerts, measured and followed up",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.configPath, "config", "", "path of hindsight.yaml (default $HINDSIGHT_CONFIG, else ./hindsight.yaml if present, else built-in defaults)")
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "say on stderr which store a command opens")
	addLogFlags(root, &g.log)
	root.SetVersionTemplate(versionLine() + "\n")
	for _, f := range commandFactories {
		root.AddCommand(f(g))
	}
	addCompletions(root, g)
	return root
}
