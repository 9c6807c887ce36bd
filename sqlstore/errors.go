package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// SQLite result codes used below (https://sqlite.org/rescode.html).
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteReadOnly   = 8
	sqliteIOErr      = 10
	sqliteCorrupt    = 11
	sqliteFull       = 13
	sqliteCantOpen   = 14
	sqliteConstraint = 19
	sqliteNotADB     = 26

	sqliteConstraintFK     = 787
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
)

// mapSQLiteError maps a modernc.org/sqlite error onto the domain's codes.
// Errors that already are *hindsight.Error pass through unchanged.
func mapSQLiteError(err error) error {
	if err == nil || isDomain(err) {
		return err
	}
	if ctxErr := contextError(err); ctxErr != nil {
		return ctxErr
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch code := se.Code(); {
	case code == sqliteConstraintUnique || code == sqliteConstraintPK:
		return &hindsight.Error{Code: hindsight.ECONFLICT, Message: "already exists"}
	case code == sqliteConstraintFK:
		return hindsight.Errorf(hindsight.EINVALID, "refers to a record that does not exist")
	case code&0xff == sqliteConstraint:
		return hindsight.Errorf(hindsight.EINVALID, "rejected by the store: a required value is missing or out of range")
	case code&0xff == sqliteBusy || code&0xff == sqliteLocked:
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "the SQLite database is locked by another process; retry, or stop the other process")
	case code&0xff == sqliteReadOnly || code&0xff == sqliteCantOpen:
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "the SQLite database cannot be opened or written (%s): check the path and its permissions", se.Error())
	case code&0xff == sqliteFull || code&0xff == sqliteIOErr:
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "the SQLite database cannot be written (%s): check free disk space", se.Error())
	case code&0xff == sqliteCorrupt || code&0xff == sqliteNotADB:
		return hindsight.Errorf(hindsight.EINTERNAL, "the file is not a usable SQLite database (%s)", se.Error())
	}
	return err
}

// PostgreSQL SQLSTATE classes and codes used below.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
	pgCheckViolation      = "23514"
	pgNotNullViolation    = "23502"
	pgSerialization       = "40001"
	pgDeadlock            = "40P01"
	pgInvalidPassword     = "28P01"
	pgInvalidAuth         = "28000"
	pgUnknownDatabase     = "3D000"
	pgTooManyConnections  = "53300"
	// pgBadCharacter is a NUL in text (character_not_in_repertoire);
	// pgUntranslatable a character the database encoding lacks.
	pgBadCharacter    = "22021"
	pgUntranslatable  = "22P05"
	pgProgramLimit    = "54000"
	pgStringTooLong   = "22001"
	pgProtocolFailure = "08P01"
)

// mapPostgresError maps a pgx error onto the domain's codes.
func mapPostgresError(err error) error {
	if err == nil || isDomain(err) {
		return err
	}
	if ctxErr := contextError(err); ctxErr != nil {
		return ctxErr
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return mapPgError(pe, err)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, sql.ErrConnDone) {
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "PostgreSQL is unreachable: %s", scrub(err.Error()))
	}
	return err
}

// mapPgError maps a PostgreSQL error. Messages say what happened in the
// domain's words: the server's own text (which may quote SQL or data) goes
// to the log, never into an answer. Refused credentials are not logged:
// their text names no data and is already the error's message (the one line
// a failed start prints).
func mapPgError(pe *pgconn.PgError, err error) error {
	if e := mapPgError1(pe); e != nil {
		// What the answer leaves out is logged for the operator: a query
		// the store got wrong, or input only the database caught.
		if e.Code == hindsight.EINTERNAL || e.Code == hindsight.EINVALID {
			slog.Warn("postgresql error", "code", pe.Code, "message", pe.Message, "detail", pe.Detail)
		}
		return e
	}
	return err
}

func mapPgError1(pe *pgconn.PgError) *hindsight.Error {
	switch {
	case pe.Code == pgUniqueViolation:
		return &hindsight.Error{Code: hindsight.ECONFLICT, Message: "already exists"}
	case pe.Code == pgForeignKeyViolation:
		return hindsight.Errorf(hindsight.EINVALID, "refers to a record that does not exist")
	case pe.Code == pgCheckViolation || pe.Code == pgNotNullViolation:
		return hindsight.Errorf(hindsight.EINVALID, "rejected by the store: a required value is missing or out of range")
	case pe.Code == pgBadCharacter || pe.Code == pgUntranslatable:
		return hindsight.Errorf(hindsight.EINVALID, "the text holds a character that cannot be stored (NUL or not UTF-8)")
	case pe.Code == pgProgramLimit || pe.Code == pgStringTooLong:
		return hindsight.Errorf(hindsight.EINVALID, "a value is too large to store")
	case pe.Code == pgSerialization || pe.Code == pgDeadlock:
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "concurrent update, retry")
	case pe.Code == pgInvalidPassword || pe.Code == pgInvalidAuth:
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "PostgreSQL refused the credentials: %s", pe.Message)
	case pe.Code == pgUnknownDatabase:
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "PostgreSQL has no such database: %s", pe.Message)
	case pe.Code == pgProtocolFailure:
		return hindsight.Errorf(hindsight.EINTERNAL, "the store failed a query (logged)")
	case pe.Code == pgTooManyConnections || strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57"):
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "PostgreSQL is unavailable; retry later")
	}
	return nil
}

// contextError reports a cancelled or timed-out request as unavailable: the
// caller may retry, and nothing was committed.
func contextError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return hindsight.Errorf(hindsight.EUNAVAILABLE, "the store did not answer in time: %v", err)
	}
	return nil
}

func isDomain(err error) bool {
	var e *hindsight.Error
	return errors.As(err, &e)
}

// notFound returns the ENOTFOUND error for a missing record.
func notFound(what string, id any) error {
	return hindsight.Errorf(hindsight.ENOTFOUND, "%s %v not found", what, id)
}

// openError wraps a failure to open or migrate the store with the redacted
// DSN, keeping the domain code so that callers can tell what happened.
func openError(dsn string, err error) error {
	code := hindsight.ErrorCode(err)
	if code == hindsight.EINTERNAL {
		code = hindsight.EUNAVAILABLE
	}
	return &hindsight.Error{Code: code, Message: fmt.Sprintf("cannot open store %s: %s", RedactDSN(dsn), errText(err))}
}

// errText returns a domain error's message or any other error's text.
func errText(err error) string {
	var e *hindsight.Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return scrub(err.Error())
}
