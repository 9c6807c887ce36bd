package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// logFlags are --log-format and --log-level, shared by every command.
type logFlags struct {
	format string
	level  string
}

// logFormats and logLevels are the accepted values, for help and completion.
var (
	logFormats = []string{"text", "json"}
	logLevels  = []string{"debug", "info", "warn", "error"}
)

// addLogFlags registers the persistent logging flags on root; their
// defaults come from $HINDSIGHT_LOG_FORMAT and $HINDSIGHT_LOG_LEVEL.
func addLogFlags(root *cobra.Command, f *logFlags) {
	pf := root.PersistentFlags()
	pf.StringVar(&f.format, "log-format", envOr("HINDSIGHT_LOG_FORMAT", "text"), "log format on stderr: text or json ($HINDSIGHT_LOG_FORMAT overrides the default)")
	pf.StringVar(&f.level, "log-level", envOr("HINDSIGHT_LOG_LEVEL", "info"), "lowest level logged: debug, info, warn or error ($HINDSIGHT_LOG_LEVEL overrides the default); debug adds one line per UI/API request")
	_ = root.RegisterFlagCompletionFunc("log-format", fixedCompletion(logFormats...))
	_ = root.RegisterFlagCompletionFunc("log-level", fixedCompletion(logLevels...))
}

// newLogger builds the logger the flags ask for, writing to w.
func newLogger(w io.Writer, f logFlags) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want one of %s", f.level, strings.Join(logLevels, ", "))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(f.format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", f.format)
	}
}

// logger returns the logger of this command line, built from the flags.
func (g *globals) logger() (*slog.Logger, error) {
	return newLogger(g.stderr, g.log)
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
