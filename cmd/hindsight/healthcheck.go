package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func init() { register(newHealthcheckCmd) }

// newHealthcheckCmd probes a running server's /healthz (or /readyz) and
// exits 0 when it answers 200: the container image's HEALTHCHECK, which
// has no curl in a distroless image.
func newHealthcheckCmd(g *globals) *cobra.Command {
	var addr, path string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when the server at --addr answers /healthz with 200 (for container health checks)",
		Example: `  hindsight healthcheck --addr 127.0.0.1:8080
  hindsight healthcheck --path /readyz   # also checks the store`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if addr == "" {
				addr = envOr("HINDSIGHT_ADDR", "127.0.0.1:8080")
			}
			url := healthURL(addr, path)
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return usageError(fmt.Sprintf("--addr %q: %v", addr, err))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return &exitCodeError{code: exitFindings, err: fmt.Errorf("%s: %v", url, err)}
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return &exitCodeError{code: exitFindings, err: fmt.Errorf("%s: %s", url, resp.Status)}
			}
			fmt.Fprintf(g.stdout, "%s: %s\n", url, resp.Status)
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "the server's listen address (default $HINDSIGHT_ADDR, else 127.0.0.1:8080); a wildcard host is probed on loopback")
	cmd.Flags().StringVar(&path, "path", "/healthz", "the path to probe: /healthz (alive) or /readyz (store reachable)")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "how long to wait for the answer")
	return cmd
}

// healthURL builds the probe's URL; a listen address on every interface
// (":8080", "0.0.0.0:8080", "[::]:8080") is probed on loopback.
func healthURL(addr, path string) string {
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		return strings.TrimSuffix(addr, "/") + path
	}
	host, port, err := net.SplitHostPort(addr)
	if err == nil && (host == "" || host == "0.0.0.0" || host == "::") {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	return "http://" + addr + path
}
