package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
)

func init() { register(newTokenCmd) }

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke API tokens",
		Long: `API tokens authenticate the JSON API. Roles: viewer, editor, approver, admin.
A token is printed once, on the last line of "token create"; only its hash is
stored. On a new installation, create the first admin token this way: whoever
can open the store is trusted.`,
	}
	cmd.AddCommand(newTokenCreateCmd(g), newTokenListCmd(g), newTokenRevokeCmd(g))
	return cmd
}

func newTokenCreateCmd(g *globals) *cobra.Command {
	var dsn, name, role, display, handle, expires string
	cmd := &cobra.Command{
		Use: "create --role ROLE --name NAME [--display NAME] [--handle @HANDLE] [--expires 90d|DATE|never]",
		Example: `  hindsight token create --role approver --name lead --display "On-call lead" --handle @lead
  hindsight token create --role editor --name ci --expires 30d`,
		Short: "Create a token and print it once, on the last line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := hindsight.ParseRole(role)
			if err != nil {
				return err
			}
			exp, err := tokenExpiry(expires, time.Now())
			if err != nil {
				return err
			}
			secret, err := hindsight.NewToken()
			if err != nil {
				return err
			}
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			t := &hindsight.APIToken{Name: name, Role: string(r), Hash: hindsight.HashToken(secret), Display: display, Handle: handle,
				ExpiresAt: exp, CreatedBy: cliCreator()}
			if err := s.CreateToken(cmd.Context(), t); err != nil {
				return storeFailure("cannot create the token", err)
			}
			g.wroteTo()
			fmt.Fprintf(g.stdout, "Created token %q with role %s%s, %s. Store it now: it is not shown again.\n%s\n",
				name, r, tokenShownAs(t), expiresText(t.ExpiresAt), secret)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "viewer, editor, approver or admin (required)")
	cmd.Flags().StringVar(&name, "name", "", "a name for the token, such as the person or system that uses it (required)")
	cmd.Flags().StringVar(&display, "display", "", "a readable name shown in the UI, such as \"On-call lead\"")
	cmd.Flags().StringVar(&handle, "handle", "", "the person's handle, such as @lead: history, sign-offs and documents name the token's requests by it (default: the name)")
	cmd.Flags().StringVar(&expires, "expires", "90d", "when the token stops working: a lifetime such as 90d or 12h, a date such as 2026-06-30, or never")
	_ = cmd.MarkFlagRequired("role")
	_ = cmd.MarkFlagRequired("name")
	addDBFlag(cmd, &dsn)
	return cmd
}

func newTokenListCmd(g *globals) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			tokens, err := s.FindTokens(cmd.Context())
			if err != nil {
				return storeFailure("cannot list tokens", err)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tHANDLE\tDISPLAY\tROLE\tCREATED\tCREATED BY\tEXPIRES\tLAST USED")
			now := time.Now()
			for _, t := range tokens {
				used := "never"
				if t.LastUsedAt != nil {
					used = t.LastUsedAt.UTC().Format(time.RFC3339)
				}
				exp := "never"
				if t.ExpiresAt != nil {
					exp = t.ExpiresAt.UTC().Format(time.RFC3339)
					if t.Expired(now) {
						exp += " (expired)"
					}
				}
				id := hindsight.TokenIdentity(t, "token")
				fmt.Fprintf(tw, "%d\t%s\t@%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, id.Name, dash(t.Display), t.Role,
					t.CreatedAt.UTC().Format(time.RFC3339), dash(t.CreatedBy), exp, used)
			}
			return tw.Flush()
		},
	}
	addDBFlag(cmd, &dsn)
	return cmd
}

func newTokenRevokeCmd(g *globals) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:     "revoke ID|NAME",
		Short:   "Revoke a token by its ID or its name (see token list); its sessions end with it",
		Example: "  hindsight token revoke 3\n  hindsight token revoke ci",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			t, err := findTokenRef(cmd.Context(), s, args[0])
			if err != nil {
				return err
			}
			if err := s.DeleteToken(cmd.Context(), t.ID); err != nil {
				return storeFailure("cannot revoke the token", err)
			}
			fmt.Fprintf(g.stdout, "Revoked token %d (%q).\n", t.ID, t.Name)
			g.wroteTo()
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	return cmd
}

// tokenShownAs says how documents and history will name the token's
// requests: " (shown as On-call lead, @lead)".
func tokenShownAs(t *hindsight.APIToken) string {
	return " (shown as " + hindsight.TokenIdentity(t, "token").Label() + ")"
}
