package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// TestSavepoint: inside one transaction, a savepoint whose work fails (an
// error of its own, or a duplicate notification refused by the unique index,
// or a nested savepoint's error) undoes only its own changes and stale-index
// marks, those of the savepoints nested in it included; the others commit, with
// their search documents rebuilt once at commit.
func TestSavepoint(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngine(t, testSavepoint)
}

func testSavepoint(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	a, b, c := storetest.NewIncident(1, "Kept"), storetest.NewIncident(2, "Undone"), storetest.NewIncident(3, "Later")
	d := storetest.NewIncident(4, "Nested")
	e, f := storetest.NewIncident(5, "Outer"), storetest.NewIncident(6, "Inner")
	fail := errors.New("fail")
	err := s.WithTx(ctx, func(tx hindsight.Services) error {
		sp := tx // the outer transaction, which the closures below shadow
		if err := tx.CreateIncident(ctx, a); err != nil {
			return err
		}
		if err := tx.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: "fp", ReceivedAt: storetest.T0}); err != nil {
			return err
		}
		if err := sp.Savepoint(ctx, func(tx hindsight.Services) error {
			if err := tx.CreateIncident(ctx, b); err != nil {
				return err
			}
			return fail
		}); !errors.Is(err, fail) {
			t.Errorf("failing savepoint: %v, want its own error", err)
		}
		err := sp.Savepoint(ctx, func(tx hindsight.Services) error {
			return tx.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: "fp", ReceivedAt: storetest.T0})
		})
		if hindsight.ErrorCode(err) != hindsight.ECONFLICT {
			t.Errorf("duplicate in a savepoint: %v, want ECONFLICT", err)
		}
		// A nested savepoint that succeeded is undone with the one around
		// it (on PostgreSQL it is left open until the commit).
		if err := sp.Savepoint(ctx, func(tx hindsight.Services) error {
			if err := tx.CreateIncident(ctx, e); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, func(tx hindsight.Services) error { return tx.CreateIncident(ctx, f) }); err != nil {
				return err
			}
			return fail
		}); !errors.Is(err, fail) {
			t.Errorf("savepoint around a nested one: %v, want its own error", err)
		}
		return sp.Savepoint(ctx, func(tx hindsight.Services) error {
			if err := tx.CreateIncident(ctx, c); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, func(tx hindsight.Services) error {
				if err := tx.CreateIncident(ctx, d); err != nil {
					return err
				}
				return fail
			}); !errors.Is(err, fail) {
				t.Errorf("nested savepoint: %v, want its own error", err)
			}
			return tx.AddTimelineEvent(ctx, storetest.NewEvent(c.ID, storetest.T0, "zeppelin spotted"))
		})
	})
	if err != nil {
		t.Fatalf("WithTx: %v", err)
	}
	checkSavepoints(t, s, []*hindsight.Incident{a, c}, []*hindsight.Incident{b, d, e, f})
}

// checkSavepoints checks that kept are stored and undone are not, and that
// the search document of the last kept one was built at commit.
func checkSavepoints(t *testing.T, s *sqlstore.Store, kept, undone []*hindsight.Incident) {
	t.Helper()
	ctx := context.Background()
	for _, inc := range kept {
		if _, err := s.FindIncidentByID(ctx, inc.ID); err != nil {
			t.Errorf("%s: %v", inc.ID, err)
		}
	}
	for _, inc := range undone {
		if _, err := s.FindIncidentByID(ctx, inc.ID); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			t.Errorf("rolled-back incident %s: %v, want ENOTFOUND", inc.ID, err)
		}
	}
	res, _, err := s.Search(ctx, hindsight.SearchQuery{Text: "zeppelin"})
	if c := kept[len(kept)-1]; err != nil || len(res) != 1 || res[0].IncidentID != c.ID {
		t.Errorf("search after commit: %v, %v; want %s", res, err, c.ID)
	}
}
