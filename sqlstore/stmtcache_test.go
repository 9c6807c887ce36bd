package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// TestPoolStatements: on SQLite a statement a write transaction ran is
// prepared on the write pool before the next transaction begins, and later
// transactions run it from there (stmtcache.go): the result is the same as
// running it directly, through savepoints rolled back and transactions
// that fail; a statement that cannot be prepared keeps failing with its
// own error and is remembered as such, not tried on every transaction.
func TestPoolStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := teststore.Open(t, teststore.SQLiteDSN(t))
	const q = `UPDATE incidents SET title = ? WHERE id = ?`
	inc := storetest.NewIncident(1, "PoolStatements")
	if err := s.WithTx(ctx, func(tx hindsight.Services) error { return tx.CreateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := sqlstore.ExecInTx(ctx, s, q, fmt.Sprintf("title %d", i), inc.ID); err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
		if kept, prepared := sqlstore.PoolStatement(s, q); i > 0 && (!kept || !prepared) {
			t.Fatalf("after transaction %d the write pool keeps the statement: %v, prepared: %v", i, kept, prepared)
		}
		got, err := s.FindIncidentByID(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("title %d", i); got.Title != want {
			t.Fatalf("transaction %d: title %q, want %q", i, got.Title, want)
		}
	}
	// A transaction that fails after running the pool's statement rolls
	// it back; the statement still serves the next one.
	boom := fmt.Errorf("boom")
	err := s.WithTx(ctx, func(tx hindsight.Services) error {
		if err := tx.Savepoint(ctx, func(tx hindsight.Services) error {
			return sqlstore.ExecTx(ctx, tx, boom, q, "in a savepoint rolled back", inc.ID)
		}); err != boom {
			return fmt.Errorf("savepoint: %v", err)
		}
		return sqlstore.ExecTx(ctx, tx, boom, q, "in a failed transaction", inc.ID)
	})
	if err != boom {
		t.Fatalf("failed transaction: %v, want %v", err, boom)
	}
	if err := sqlstore.ExecInTx(ctx, s, q, "after the failure", inc.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindIncidentByID(ctx, inc.ID); err != nil || got.Title != "after the failure" {
		t.Fatalf("title %q (%v), want %q", got.Title, err, "after the failure")
	}

	const bad = `UPDATE no_such_table SET x = 1`
	for i := range 3 {
		err := sqlstore.ExecInTx(ctx, s, bad)
		if err == nil || !strings.Contains(err.Error(), "no_such_table") {
			t.Fatalf("transaction %d ran %q: %v", i, bad, err)
		}
	}
	if kept, prepared := sqlstore.PoolStatement(s, bad); !kept || prepared {
		t.Fatalf("a statement that cannot be prepared: kept %v, prepared %v; want kept as failing", kept, prepared)
	}
}

// TestPoolStatements_KeepsTheUsed: a pool keeps at most its bound of
// statements, and more queries than that (multi-row statements vary with
// their rows) evict the statement used longest ago, never one in use all
// the time.
func TestPoolStatements_KeepsTheUsed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := teststore.Open(t, teststore.SQLiteDSN(t))
	const hot = `UPDATE incidents SET title = title WHERE id = ?`
	_, most := sqlstore.PoolStatements(s)
	for i := range most + 40 {
		if err := sqlstore.ExecInTx(ctx, s, hot, "none"); err != nil {
			t.Fatal(err)
		}
		once := fmt.Sprintf(`UPDATE incidents SET title = title WHERE id = ? AND %d = %d`, i, i)
		if err := sqlstore.ExecInTx(ctx, s, once, "none"); err != nil {
			t.Fatal(err)
		}
	}
	if err := sqlstore.ExecInTx(ctx, s, hot, "none"); err != nil { // prepares what the last one ran
		t.Fatal(err)
	}
	if n, _ := sqlstore.PoolStatements(s); n != most {
		t.Errorf("the write pool keeps %d statements after %d distinct queries, want its bound, %d", n, most+41, most)
	}
	if kept, prepared := sqlstore.PoolStatement(s, hot); !kept || !prepared {
		t.Errorf("the statement run in every transaction was evicted (kept %v, prepared %v)", kept, prepared)
	}
	first := `UPDATE incidents SET title = title WHERE id = ? AND 0 = 0`
	if kept, _ := sqlstore.PoolStatement(s, first); kept {
		t.Errorf("the statement used longest ago is still kept")
	}
}
