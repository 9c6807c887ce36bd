//go:build unix

package sqlstore_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// BenchmarkPostgresRoundTrip measures what a statement's round trip costs
// apart from the statement's own work: a trivial SELECT inside a
// transaction, through the driver the store uses (pgx's database/sql
// driver), one after the other. Besides the time it reports this process's
// CPU per round trip (go-cpu-us/op) and, when the server runs on this
// machine, its backend's (pg-cpu-us/op, from /proc, 10 ms resolution: run
// enough of them). Run with
// -run '^$' -bench PostgresRoundTrip -benchtime 20000x.
func BenchmarkPostgresRoundTrip(b *testing.B) {
	ctx := context.Background()
	db, err := sql.Open("pgx", teststore.PostgresDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }() // it wrote nothing
	var pid int
	if err := tx.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		b.Fatal(err)
	}
	backend, backendErr := testenv.OtherProcessCPU(pid)
	cpu := testenv.ProcessCPU()
	var got int
	for i := 0; b.Loop(); i++ {
		if err := tx.QueryRowContext(ctx, "SELECT $1::int", i).Scan(&got); err != nil {
			b.Fatal(err)
		}
		if got != i {
			b.Fatalf("got %d, want %d", got, i)
		}
	}
	perOp := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(b.N) }
	b.ReportMetric(perOp(testenv.ProcessCPU()-cpu), "go-cpu-us/op")
	if backendErr == nil {
		if end, err := testenv.OtherProcessCPU(pid); err == nil {
			b.ReportMetric(perOp(end-backend), "pg-cpu-us/op")
		}
	}
}
