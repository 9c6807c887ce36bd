package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// Benchmarks of the store's main operations on a small generated dataset
// (2,000 incidents, 20,000 events, 6,000 actions). "hindsight bench" runs the
// same operations at full size.

func BenchmarkSQLite(b *testing.B) { benchStore(b, teststore.SQLite(b)) }

func BenchmarkPostgres(b *testing.B) { benchStore(b, teststore.Postgres(b)) }

func benchStore(b *testing.B, s *sqlstore.Store) {
	ctx := context.Background()
	if err := s.Seed(ctx, sqlstore.SeedOptions{Incidents: 2000, Events: 20000, Actions: 6000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	ids, err := s.SampleIncidentIDs(ctx, 200)
	if err != nil {
		b.Fatal(err)
	}
	services, words := sqlstore.SeedServices(), sqlstore.SeedWords()
	b.Run("FindPostmortem", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := s.FindPostmortem(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FindIncidents", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			f := hindsight.IncidentFilter{Service: services[i%len(services)], Status: hindsight.IncidentResolved, Page: hindsight.Page{Limit: 50}}
			if _, _, err := s.FindIncidents(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Search", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			q := hindsight.SearchQuery{Text: words[i%len(words)], IncidentFilter: hindsight.IncidentFilter{Page: hindsight.Page{Limit: 20}}}
			if _, _, err := s.Search(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	historyRuns := 0
	b.Run("FindRevisions", func(b *testing.B) {
		// The history of an incident of 500 alerts, a page of 100 at a
		// time: its creations are derived from the event rows, not stored.
		// Each run (-count) has an incident of its own.
		historyRuns++
		inc := storetest.NewIncident(90000+historyRuns, "HistoryBench")
		events := make([]*hindsight.TimelineEvent, 500)
		for i := range events {
			events[i] = storetest.NewEvent(inc.ID, time.Unix(1759190400+int64(i), 0), "alert fired")
		}
		if err := s.WithTx(ctx, func(tx hindsight.Services) error {
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			return tx.AddTimelineEvents(ctx, events)
		}); err != nil {
			b.Fatal(err)
		}
		for i := 0; b.Loop(); i++ {
			revs, n, err := s.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: inc.ID, Page: hindsight.Page{Limit: 100, Offset: (i % 5) * 100}})
			if err != nil || n != 501 || len(revs) != 100 || revs[len(revs)-1].After == nil {
				b.Fatalf("%d of %d revisions (%v)", len(revs), n, err)
			}
		}
	})
	b.Run("AddTimelineEvent", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			e := &hindsight.TimelineEvent{IncidentID: ids[i%len(ids)], Time: time.Now(), Type: hindsight.EventNote, Event: "Bench", Action: "note"}
			if err := s.AddTimelineEvent(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
