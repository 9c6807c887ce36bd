package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// HoldIndex stops s from rebuilding queued search documents in the
// background, and waits for a pass under way, so that a test can look at
// the queue; ReleaseIndex lets it go on.
func HoldIndex(s *Store) {
	s.indexer.mu.Lock()
	s.indexer.held = true
	s.indexer.mu.Unlock()
	s.indexer.done.Wait()
}

// ReleaseIndex undoes HoldIndex and starts a pass.
func ReleaseIndex(s *Store) {
	s.indexer.mu.Lock()
	s.indexer.held = false
	s.indexer.mu.Unlock()
	s.KickIndex()
}

// SearchDocsAgree fails unless the search documents of ids built together
// (searchDocsOf, the queue's rebuild) are those built one by one
// (searchDocOf, a write's own rebuild).
func SearchDocsAgree(ctx context.Context, s *Store, ids []string) error {
	return s.view(ctx, func(tx *Tx) error {
		many, err := tx.searchDocsOf(ctx, ids)
		if err != nil {
			return err
		}
		if len(many) != len(ids) {
			return fmt.Errorf("%d documents for %d incidents", len(many), len(ids))
		}
		for _, id := range ids {
			one, err := tx.searchDocOf(ctx, id)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(many, func(d searchDoc) bool { return d.seq == one.seq })
			if i < 0 || many[i] != one {
				return fmt.Errorf("incident %s: built together %+v, alone %+v", id, many[max(i, 0)], one)
			}
		}
		return nil
	})
}

// SearchDocBody returns the body of an incident's search document as a
// write's own rebuild builds it (searchDocOf).
func SearchDocBody(ctx context.Context, s *Store, id string) (body string, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		d, err := tx.searchDocOf(ctx, id)
		body = d.body
		return err
	})
	return body, err
}

// ExecInTx runs q in a write transaction of s, through the path every
// store write takes (Tx.exec, with its prepared statements).
func ExecInTx(ctx context.Context, s *Store, q string, args ...any) error {
	return s.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, q, args...)
		return err
	})
}

// PoolStatement reports whether s's write pool keeps q prepared, and
// whether it holds it as a statement (false: remembered as failing).
func PoolStatement(s *Store, q string) (kept, prepared bool) {
	p := s.writeStmts
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.stmts[q]
	return ok, ok && e.st != nil
}

// PoolStatements returns how many statements s's write pool keeps, and
// the most it keeps.
func PoolStatements(s *Store) (n, most int) {
	p := s.writeStmts
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.stmts), maxPoolStatements
}

// ExecTx runs q in tx, as ExecInTx does, and then returns ret.
func ExecTx(ctx context.Context, tx hindsight.Services, ret error, q string, args ...any) error {
	if _, err := tx.(*Tx).exec(ctx, q, args...); err != nil {
		return err
	}
	return ret
}

// FillCreations fills the compact creations among revs in a read
// transaction of s, as FindRevisions does after reading them.
func FillCreations(ctx context.Context, s *Store, revs []*hindsight.Revision) error {
	return s.view(ctx, func(tx *Tx) error { return tx.fillCreations(ctx, revs) })
}

// CompactCreations returns the revisions of incidentID still stored
// compact, as they are stored, and the derived creations of its timeline
// events, before FindRevisions fills them.
func CompactCreations(ctx context.Context, s *Store, incidentID string) ([]*hindsight.Revision, error) {
	var out []*hindsight.Revision
	err := s.view(ctx, func(tx *Tx) error {
		derived, args := derivedCreations(hindsight.RevisionFilter{IncidentID: incidentID})
		rows, err := tx.query(ctx, "SELECT "+revisionCols+" FROM (SELECT "+revisionCols+", "+revisionOrder+
			" FROM revisions WHERE incident_id = ? AND before_json IS NULL AND after_json IS NULL UNION ALL "+derived+") u ORDER BY at, src, seq, sub",
			append([]any{incidentID}, args...)...)
		if err != nil {
			return err
		}
		out, err = scanRevisions(rows)
		return err
	})
	return out, err
}

// StoredBody returns the body of the notification fingerprint as the store
// keeps it, and its encoding.
func StoredBody(ctx context.Context, s *Store, fingerprint string) (body []byte, encoding string, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, "SELECT body, body_encoding FROM alert_notifications WHERE fingerprint = ?", fingerprint).Scan(&body, &encoding)
	})
	return body, encoding, err
}

// DashboardEventsPlan returns the engine's plan of the dashboard's query of
// first events (firstEventsSQL), one line per step. PostgreSQL plans it with
// sequential scans disabled: on a test's few rows it would scan the table
// whatever the indexes, and an index it cannot use it still does not.
func DashboardEventsPlan(ctx context.Context, s *Store) (string, error) {
	var plan []string
	err := s.update(ctx, func(tx *Tx) error {
		explain := "EXPLAIN QUERY PLAN "
		if tx.d.dollar {
			explain = "EXPLAIN "
			if _, err := tx.exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
		}
		rows, err := tx.query(ctx, explain+firstEventsSQL, int64(0), int64(1))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			// SQLite's steps are (id, parent, notused, detail), PostgreSQL's
			// one line of text.
			var id, parent, notused int
			var line string
			dest := []any{&id, &parent, &notused, &line}
			if tx.d.dollar {
				dest = dest[3:]
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			plan = append(plan, line)
		}
		return rows.Err()
	})
	return strings.Join(plan, "\n"), err
}
