package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// dbFlagUsage documents --db for every command that opens the store.
const dbFlagUsage = `store: a SQLite file path or postgres://user:pass@host/db (default $HINDSIGHT_DB, else server.db of --config, $HINDSIGHT_CONFIG or ./hindsight.yaml, else ./hindsight.db)`

// addDBFlag registers --db on cmd and stores its value in dsn.
func addDBFlag(cmd *cobra.Command, dsn *string) {
	cmd.Flags().StringVar(dsn, "db", "", dbFlagUsage)
}

// resolveDSN returns the store to open: --db, else $HINDSIGHT_DB, else the
// configuration's server.db, else ./hindsight.db.
func resolveDSN(g *globals, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if env := os.Getenv("HINDSIGHT_DB"); env != "" {
		return env, nil
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return "", err
	}
	if db := string(cfg.Server.DB); db != "" {
		return db, nil
	}
	return sqlstore.DefaultDSN, nil
}

// openStore opens and migrates the store. Its errors name the DSN with the
// password redacted and say what went wrong; commands exit 2 on them.
func openStore(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, storeFailure("", err)
	}
	return s, nil
}

// openResolvedStore opens and migrates the store named by --db,
// $HINDSIGHT_DB, the configuration or the default file.
func openResolvedStore(cmd *cobra.Command, g *globals, flag string) (*sqlstore.Store, error) {
	dsn, err := resolveDSN(g, flag)
	if err != nil {
		return nil, err
	}
	g.storeDSN = dsn
	g.sayStore(dsn)
	return openStore(cmd.Context(), dsn)
}

// sayStore tells, with -v, which store a command opens: its engine and its
// DSN without the password, on stderr.
func (g *globals) sayStore(dsn string) {
	if !g.verbose {
		return
	}
	engine := "sqlite"
	if sqlstore.IsPostgres(dsn) {
		engine = "postgres"
	}
	fmt.Fprintf(g.stderr, "hindsight: store %s %s\n", engine, sqlstore.RedactDSN(dsn))
}

// wroteTo tells, on stderr, which store a command that writes has just
// written to (password redacted): a CLI pointed at another store than the
// server's is then seen at once.
func (g *globals) wroteTo() {
	if g.storeDSN != "" {
		fmt.Fprintf(g.stderr, "hindsight: wrote to store %s\n", sqlstore.RedactDSN(g.storeDSN))
	}
}

// storeFailure makes err a one-line failure with exit code 2, its message
// prefixed by what was being done; non-domain errors keep their text.
func storeFailure(doing string, err error) error {
	var e *hindsight.Error
	if !errors.As(err, &e) {
		e = &hindsight.Error{Code: hindsight.EINTERNAL, Message: err.Error()}
	}
	if doing != "" {
		e = &hindsight.Error{Code: e.Code, Message: fmt.Sprintf("%s: %s", doing, e.Error())}
	}
	return &exitCodeError{code: exitError, err: e}
}
