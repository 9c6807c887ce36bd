package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func init() { register(newConfigCmd) }

// loadConfig resolves the configuration from --config, $HINDSIGHT_CONFIG or
// the defaults, with environment overrides applied.
func (g *globals) loadConfig() (*config.Config, error) {
	cfg, _, err := config.Resolve(g.configPath, os.Getenv)
	return cfg, err
}

// mapping returns the alert mapping configured in cfg.
func mapping(cfg *config.Config) alertmanager.Mapping {
	return alertmanager.Mapping{Severity: cfg.Severity.SeverityRules, Labels: cfg.Labels}
}

func newConfigCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Check and print hindsight.yaml"}
	var print bool
	check := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a configuration file (default: --config, $HINDSIGHT_CONFIG, or the built-in defaults)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := g.configPath
			if len(args) == 1 {
				path = args[0]
			}
			cfg, used, err := config.Resolve(path, os.Getenv)
			if err != nil {
				return err
			}
			if cfg.Template != "" {
				if _, err := postmortem.LoadTemplate(cfg.Template); err != nil {
					return err
				}
			}
			if print {
				fmt.Fprint(g.stdout, cfg.Redacted())
				return nil
			}
			if used == "" {
				used = "built-in defaults"
			}
			fmt.Fprintf(g.stdout, "%s: ok\n", used)
			for _, r := range cfg.SpecResults() {
				fmt.Fprintf(g.stdout, "slo.specs: %s\n", r)
			}
			return nil
		},
	}
	check.Flags().BoolVar(&print, "print", false, "print the effective configuration, secrets as <secret>")
	cmd.AddCommand(check)
	return cmd
}
