package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and revision are stamped at build time by scripts/release.sh:
//
//	-ldflags "-X main.version=v1.2.0 -X main.revision=<git commit>"
//
// A binary built without them (go build, go install) takes the module
// version and VCS revision that Go records, when it has them.
var (
	version  = "dev"
	revision = ""
)

func init() {
	register(newVersionCmd)
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	if revision == "" {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
}

// buildRevision returns the VCS revision, or "unknown".
func buildRevision() string {
	if revision == "" {
		return "unknown"
	}
	return revision
}

// versionLine is what "hindsight version" and --version print.
func versionLine() string {
	return fmt.Sprintf("hindsight %s (revision %s, %s, %s/%s)", version, buildRevision(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, revision, Go version and platform of this binary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(g.stdout, versionLine())
			return nil
		},
	}
}
