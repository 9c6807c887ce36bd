package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

func init() { register(newMigrateCmd) }

func newMigrateCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Show or apply the store's schema migrations (what serve does at start)",
		Long: `Every command that opens the store applies the pending migrations first,
"hindsight serve" included. "migrate status" shows where the store stands
without changing it; "migrate up" applies what is pending, so that an upgrade
can be done, and watched, before the new server starts. Both take the same
lock as the server: instances starting together migrate one after the other.`,
	}
	cmd.AddCommand(newMigrateStatusCmd(g), newMigrateUpCmd(g))
	return cmd
}

func newMigrateStatusCmd(g *globals) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "List the schema migrations, applied or pending; exit 1 when some are pending",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openUnmigrated(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.MigrationStatus(cmd.Context())
			if err != nil {
				return storeFailure("migrate status", err)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tMIGRATION\tAPPLIED")
			for _, m := range st.Migrations {
				at := "pending"
				if m.Applied {
					at = m.AppliedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%05d\t%s\t%s\n", m.Version, m.Name, at)
			}
			tw.Flush()
			fmt.Fprintf(g.stdout, "store %s: schema version %d, this hindsight %d, %d pending\n", s.Engine(), st.Current, st.Latest, st.Pending())
			if st.Current > st.Latest {
				return storeFailure("", fmt.Errorf("the store is at schema version %d, newer than this hindsight knows (%d): upgrade hindsight", st.Current, st.Latest))
			}
			if st.Pending() > 0 {
				return &exitCodeError{code: exitFindings}
			}
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	return cmd
}

func newMigrateUpCmd(g *globals) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration, each in its own transaction",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openUnmigrated(cmd, g, dsn)
			if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
				// A new SQLite file: create it, as serve would.
				var resolved string
				if resolved, err = resolveDSN(g, dsn); err == nil {
					s, err = openStore(cmd.Context(), resolved)
				}
				if err == nil {
					defer s.Close()
					st, err := s.MigrationStatus(cmd.Context())
					if err != nil {
						return storeFailure("migrate up", err)
					}
					fmt.Fprintf(g.stdout, "created a new %s store at schema version %d\n", s.Engine(), st.Current)
					return nil
				}
			}
			if err != nil {
				return err
			}
			defer s.Close()
			applied, err := s.MigrateUp(cmd.Context())
			for _, v := range applied {
				fmt.Fprintf(g.stdout, "applied %05d\n", v)
			}
			if err != nil {
				return storeFailure("migrate up", err)
			}
			st, err := s.MigrationStatus(cmd.Context())
			if err != nil {
				return storeFailure("migrate up", err)
			}
			fmt.Fprintf(g.stdout, "store %s: schema version %d (%d applied now)\n", s.Engine(), st.Current, len(applied))
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	return cmd
}

// openUnmigrated opens the resolved store without migrating it.
func openUnmigrated(cmd *cobra.Command, g *globals, flag string) (*sqlstore.Store, error) {
	dsn, err := resolveDSN(g, flag)
	if err != nil {
		return nil, err
	}
	g.sayStore(dsn)
	s, err := sqlstore.OpenUnmigrated(cmd.Context(), dsn)
	if err != nil {
		return nil, storeFailure("", err)
	}
	return s, nil
}
