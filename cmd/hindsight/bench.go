package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

func init() { register(newBenchCmd) }

func newBenchCmd(g *globals) *cobra.Command {
	// Hidden from --help: a developer's tool, documented in docs/performance.md.
	cmd := &cobra.Command{Use: "bench", Short: "Fill a store with generated data and measure it", Hidden: true}
	cmd.AddCommand(newBenchSeedCmd(g), newBenchStoreCmd(g))
	return cmd
}

func newBenchSeedCmd(g *globals) *cobra.Command {
	var dsn string
	o := sqlstore.SeedOptions{Progress: g.stderr}
	cmd := &cobra.Command{
		Use:     "seed",
		Short:   "Fill a store with generated incidents, timeline events and action items",
		Example: `  hindsight bench seed --db bench.db --incidents 100000 --events 1000000 --actions 300000`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			start := time.Now()
			if err := s.Seed(cmd.Context(), o); err != nil {
				return storeFailure("seed", err)
			}
			size, _ := s.Size(cmd.Context())
			fmt.Fprintf(g.stdout, "seeded %d incidents, %d events, %d actions on %s in %s; store size %s\n",
				o.Incidents, o.Events, o.Actions, s.Engine(), time.Since(start).Round(time.Second), megabytes(size))
			return nil
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().IntVar(&o.Incidents, "incidents", 100000, "incidents to generate")
	cmd.Flags().IntVar(&o.Events, "events", 1000000, "timeline events to generate, spread over the incidents")
	cmd.Flags().IntVar(&o.Actions, "actions", 300000, "action items to generate")
	cmd.Flags().IntVar(&o.Batch, "batch", 2000, "incidents per transaction")
	return cmd
}

func newBenchStoreCmd(g *globals) *cobra.Command {
	var dsn string
	var n int
	cmd := &cobra.Command{
		Use:     "store",
		Short:   "Measure p50/p95 of the store's main operations on a seeded store",
		Example: `  hindsight bench store --db bench.db --iterations 500`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			return runBenchStore(cmd.Context(), g.stdout, s, n)
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().IntVar(&n, "iterations", 500, "iterations of each operation")
	return cmd
}

// measure runs fn n times in sequence and returns the latencies, sorted.
func measure(ctx context.Context, n int, fn func(ctx context.Context, i int) error) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := fn(ctx, i); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return lat, nil
}

// benchOp is one measured operation; i is the iteration number.
type benchOp struct {
	name string
	run  func(ctx context.Context, i int) error
}

func runBenchStore(ctx context.Context, w io.Writer, s *sqlstore.Store, n int) error {
	ids, err := s.SampleIncidentIDs(ctx, n)
	if err != nil || len(ids) == 0 {
		return storeFailure("bench", fmt.Errorf("the store has no incidents: run hindsight bench seed first (%v)", err))
	}
	_, incidents, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Page: hindsight.Page{Limit: 1}})
	if err != nil {
		return storeFailure("bench", err)
	}
	services, queries := sqlstore.SeedServices(), sqlstore.SeedQueries()
	ops := []benchOp{
		{"get incident + timeline + actions", func(ctx context.Context, i int) error {
			_, err := s.FindPostmortem(ctx, ids[i%len(ids)])
			return err
		}},
		{"list filtered page of 50", func(ctx context.Context, i int) error {
			_, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Service: services[i%len(services)],
				Status: hindsight.IncidentResolved, Page: hindsight.Page{Limit: 50, Offset: 50 * (i % 5)}})
			return err
		}},
		{"full-text search (page of 20)", func(ctx context.Context, i int) error {
			q := queries[i%len(queries)].Query
			q.Page = hindsight.Page{Limit: 20}
			_, _, err := s.Search(ctx, q)
			return err
		}},
		{"append timeline event", func(ctx context.Context, i int) error {
			return s.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: ids[i%len(ids)], Time: time.Now(),
				Type: hindsight.EventNote, Event: "Bench", Action: "benchmark note"})
		}},
	}
	fmt.Fprintf(w, "engine %s, %d iterations each\n%-36s %10s %10s %10s\n", s.Engine(), n, "operation", "p50", "p95", "max")
	for _, op := range ops {
		lat, err := measure(ctx, n, op.run)
		if err != nil {
			return storeFailure(op.name, err)
		}
		fmt.Fprintf(w, "%-36s %10s %10s %10s\n", op.name, ms(lat[len(lat)/2]), ms(lat[len(lat)*95/100]), ms(lat[len(lat)-1]))
	}
	// Each search query on its own, with how many incidents it matches.
	fmt.Fprintf(w, "\nsearch queries, %d iterations each\n", max(1, n/len(queries)))
	for _, sq := range queries {
		total, err := s.CountMatches(ctx, sq.Query)
		if err != nil {
			return storeFailure("search", err)
		}
		q := sq.Query
		q.Page = hindsight.Page{Limit: 20}
		lat, err := measure(ctx, max(1, n/len(queries)), func(ctx context.Context, _ int) error {
			_, _, err := s.Search(ctx, q)
			return err
		})
		if err != nil {
			return storeFailure("search", err)
		}
		label := fmt.Sprintf("%s %q", sq.Name, q.Text)
		if q.Service != "" {
			label += " + filters"
		}
		fmt.Fprintf(w, "  %-34s %10s %10s %10s  %d matches (%.2f%%)\n", label, ms(lat[len(lat)/2]), ms(lat[len(lat)*95/100]),
			ms(lat[len(lat)-1]), total, 100*float64(total)/float64(max(1, incidents)))
	}
	size, err := s.Size(ctx)
	if err != nil {
		return storeFailure("size", err)
	}
	fmt.Fprintf(w, "store size on disk: %s\n", megabytes(size))
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func megabytes(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }
