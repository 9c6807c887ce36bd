package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// Shell completion ("hindsight completion bash|zsh|fish|powershell", from
// cobra) knows the values of Hindsight's flags and, from the store, the
// incident IDs. The values are attached here, by flag name and command,
// once every command is registered, so that a command's own file needs no
// completion code.

// formatsByCommand lists the --format values of each command that has one.
var formatsByCommand = map[string][]string{
	"hindsight export":           {"md", "html", "json"},
	"hindsight lint":             {"text", "json"},
	"hindsight actions":          {"table", "json"},
	"hindsight actions followup": {"text", "json"},
	"hindsight report incidents": {"csv", "json"},
	"hindsight report actions":   {"csv", "json"},
}

// completionsByFlag lists the values of the flags that mean the same on
// every command.
func completionsByFlag() map[string][]string {
	return map[string][]string{
		"severity":         names(hindsight.Severities),
		"default-severity": names(hindsight.Severities),
		"role":             names(hindsight.Roles),
		"status":           names(hindsight.ActionStatuses),
		"doc-status":       names(hindsight.DocumentStatuses),
	}
}

// names converts typed string values to strings.
func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// fixedCompletion completes a flag from a fixed list.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// addCompletions walks the command tree and attaches the value completions
// of known flags, and incident ID completion to every command whose first
// argument is an INCIDENT-ID.
func addCompletions(root *cobra.Command, g *globals) {
	byFlag := completionsByFlag()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, values := range byFlag {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, fixedCompletion(values...))
			}
		}
		if f, ok := formatsByCommand[c.CommandPath()]; ok && c.Flags().Lookup("format") != nil {
			_ = c.RegisterFlagCompletionFunc("format", fixedCompletion(f...))
		}
		if strings.Contains(c.Use, "INCIDENT-ID") && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = incidentIDCompletion(g)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completionLimit bounds how many incidents completion reads.
const completionLimit = 1000

// incidentIDCompletion completes the first argument with the IDs of the
// incidents in the store the command would open (--db, $HINDSIGHT_DB, the
// configuration or ./hindsight.db), newest first. It never creates a
// store: a SQLite file that does not exist completes nothing.
func incidentIDCompletion(g *globals) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		flag := ""
		if f := cmd.Flags().Lookup("db"); f != nil {
			flag = f.Value.String()
		}
		dsn, err := resolveDSN(g, flag)
		if err != nil || !storeExists(dsn) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ids, err := incidentIDs(ctx, dsn, toComplete)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	}
}

// incidentIDs returns up to completionLimit incident IDs starting with
// prefix (case-insensitive), newest first.
func incidentIDs(ctx context.Context, dsn, prefix string) ([]string, error) {
	s, err := sqlstore.OpenExisting(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	incs, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Page: hindsight.Page{Limit: completionLimit}})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, inc := range incs {
		if strings.HasPrefix(strings.ToUpper(inc.ID), strings.ToUpper(prefix)) {
			out = append(out, inc.ID)
		}
	}
	return out, nil
}

// storeExists reports whether dsn names a store that exists: always for
// PostgreSQL, for SQLite when the file is there.
func storeExists(dsn string) bool {
	if sqlstore.IsPostgres(dsn) {
		return true
	}
	_, err := os.Stat(sqlstore.SQLitePath(dsn))
	return err == nil
}
