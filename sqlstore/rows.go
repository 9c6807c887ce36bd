package sqlstore

import (
	"context"
	"database/sql"

	"github.com/hindsight-sre/hindsight"
)

// eachRow calls fn for every row and closes rows.
func eachRow(tx *Tx, rows *sql.Rows, fn func(sc scanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return tx.d.mapError(err)
		}
	}
	return tx.d.mapError(rows.Err())
}

// inChunks calls fn with keys, maxBatchRows at a time, as the arguments of
// a statement's IN list (placeholders(len(args))).
func inChunks[T any](keys []T, fn func(args []any) error) error {
	for len(keys) > 0 {
		n := min(len(keys), maxBatchRows)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		keys = keys[n:]
		if err := fn(args); err != nil {
			return err
		}
	}
	return nil
}

// queryStrings runs a query whose rows hold one text column, such as a
// list of incident IDs, and returns the column's values in row order.
func (tx *Tx) queryStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []string
	if err := eachRow(tx, rows, func(sc scanner) error {
		var s string
		if err := sc.Scan(&s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// noneAsNil turns the ENOTFOUND of a lookup into a nil result, for the
// parts of an incident that it may not have yet (a follow-up, an impact).
func noneAsNil[T any](v *T, err error) (*T, error) {
	if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
		return nil, nil
	}
	return v, err
}
