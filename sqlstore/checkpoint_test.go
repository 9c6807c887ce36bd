package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// TestCheckpoint_Background: on SQLite, what a few commits wrote to the
// write-ahead log reaches the database file while the store stays open,
// although the log is far below the size at which the writer checkpoints
// itself (checkpoint.go): the background pass copied it. Without that pass
// the file keeps its size until the store closes.
func TestCheckpoint_Background(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hindsight.db")
	s := teststore.Open(t, path)
	before := fileSize(t, path)
	for i := range 40 {
		inc := storetest.NewIncident(i+1, fmt.Sprintf("Checkpoint%02d", i))
		if err := s.WithTx(ctx, func(tx hindsight.Services) error { return tx.CreateIncident(ctx, inc) }); err != nil {
			t.Fatal(err)
		}
	}
	wal := fileSize(t, path+"-wal")
	if wal == 0 {
		t.Fatal("the commits wrote nothing to the write-ahead log")
	}
	deadline := time.Now().Add(20 * time.Second)
	for fileSize(t, path) <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes 20 s after the commits (log %d bytes): no background checkpoint", before, wal)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The data is read back through the store, as ever.
	got, err := s.FindIncidentByID(ctx, storetest.NewIncident(40, "Checkpoint39").ID)
	if err != nil || got.AlertName != "Checkpoint39" {
		t.Fatalf("after the checkpoint: %+v, %v", got, err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
