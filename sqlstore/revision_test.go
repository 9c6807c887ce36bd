package sqlstore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// TestCompactCreations_ChangedWhileRead: on PostgreSQL each statement of a
// read transaction sees its own snapshot, so a history read can find a
// creation still compact, and then, after the entity's first change
// committed, the changed row. FindRevisions then takes the creation from
// the table, where that change wrote it. The test reads the compact
// creations, changes the incident, and fills what it read.
func TestCompactCreations_ChangedWhileRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := teststore.Postgres(t)
	inc := storetest.NewIncident(1, "Read while renamed")
	if err := s.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	stale, err := sqlstore.CompactCreations(ctx, s, inc.ID)
	if err != nil || len(stale) != 1 || stale[0].Entity != hindsight.EntityIncident {
		t.Fatalf("compact creations %+v (%v), want the incident's", stale, err)
	}
	inc.Title = "Renamed meanwhile"
	if err := s.UpdateIncident(ctx, inc, inc.Version); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.FillCreations(ctx, s, stale); err != nil {
		t.Fatal(err)
	}
	var got struct{ Title string }
	if err := json.Unmarshal(stale[0].After, &got); err != nil || got.Title != "Read while renamed" {
		t.Fatalf("creation read while the incident was renamed shows %s (%v), want the title it was created with", stale[0].After, err)
	}
}
