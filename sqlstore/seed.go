package sqlstore

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// SeedOptions size a generated dataset.
type SeedOptions struct {
	Incidents int
	Events    int // timeline events in all, spread over the incidents
	Actions   int // action items in all
	// Batch is how many incidents (with their records) go in one
	// transaction; 0 means 2,000.
	Batch int
	// Progress, when set, receives one line per committed batch.
	Progress io.Writer
	// Seed makes the data reproducible.
	Seed uint64
}

// Vocabulary of the generated data: realistic alert names, services and
// phrases, so that search and filters see plausible selectivity.
var (
	seedAlerts = []string{"HighAPIErrorRate", "HighLatencyP99", "DatabaseReplicationLag", "DiskSpaceLow", "PodCrashLooping",
		"CertificateExpiringSoon", "KafkaConsumerLag", "RedisMemoryHigh", "NodeNotReady", "DNSResolutionFailures",
		"QueueBacklogGrowing", "PaymentGatewayTimeouts", "LoginFailuresSpike", "CDNOriginErrors", "BackupJobFailed",
		"ElasticsearchClusterRed", "TLSHandshakeErrors", "OOMKilled", "ConnectionPoolExhausted", "SLOBurnRateFast"}
	seedServices = []string{"api", "web", "checkout", "payments", "search", "auth", "database", "cache", "queue", "cdn",
		"storage", "billing", "notifications", "gateway", "inventory", "recommendations", "analytics", "mobile-api",
		"admin", "reporting", "ingest", "scheduler", "mailer", "images", "graphql", "ledger", "orders", "catalog", "users", "edge"}
	seedRegions = []string{"eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1"}
	seedPhrases = []string{"connection pool exhausted", "deploy rolled back", "replica fell behind", "disk filled with logs",
		"certificate expired", "retry storm amplified load", "cache eviction spike", "DNS resolver timeouts",
		"memory leak in worker", "config change disabled health checks", "noisy neighbour on shared node",
		"rate limiter misconfigured", "schema migration locked table", "upstream provider outage", "thread pool starvation",
		"garbage collection pauses", "kernel upgrade changed defaults", "feature flag enabled too widely"}
	seedVerbs  = []string{"Checked", "Restarted", "Scaled", "Rolled back", "Paged", "Investigated", "Drained", "Failed over", "Raised limits on", "Monitored"}
	seedOwners = func() []string {
		var out []string
		for i := 0; i < 60; i++ {
			out = append(out, fmt.Sprintf("@engineer%02d", i))
		}
		return out
	}()
	seedEventTypes = []hindsight.EventType{hindsight.EventAlertFired, hindsight.EventAcknowledged, hindsight.EventAssessment,
		hindsight.EventHypothesis, hindsight.EventFinding, hindsight.EventMitigation, hindsight.EventFix, hindsight.EventMonitoring, hindsight.EventNote}
)

// SeedServices lists the services that generated incidents use.
func SeedServices() []string { return append([]string(nil), seedServices...) }

// SeedWords lists phrases that generated text contains, for search benchmarks.
func SeedWords() []string { return append([]string(nil), seedPhrases...) }

// Seed fills the store with generated incidents, timeline events and action
// items, in large batched transactions. It writes rows directly, without
// revisions, and indexes them for search in the same transactions.
func (s *Store) Seed(ctx context.Context, o SeedOptions) error {
	if o.Batch <= 0 {
		o.Batch = 2000
	}
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	var firstSeq int64
	err := s.view(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM incidents").Scan(&firstSeq)
	})
	if err != nil {
		return err
	}
	start := time.Now()
	for done := 0; done < o.Incidents; done += o.Batch {
		n := min(o.Batch, o.Incidents-done)
		g := &generator{rng: rng, now: s.now(), seq: firstSeq + int64(done)}
		events := share(o.Events, o.Incidents, done, n)
		actions := share(o.Actions, o.Incidents, done, n)
		if err := s.update(ctx, func(tx *Tx) error { return g.batch(ctx, tx, n, events, actions) }); err != nil {
			return err
		}
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "seeded %d/%d incidents in %s\n", done+n, o.Incidents, time.Since(start).Round(time.Second))
		}
	}
	if s.d.dollar {
		for _, q := range s.d.resetSequences {
			if _, err := s.write.ExecContext(ctx, q); err != nil {
				return s.mapErr(err)
			}
		}
		_, err = s.write.ExecContext(ctx, "ANALYZE")
	} else {
		_, err = s.write.ExecContext(ctx, "PRAGMA optimize")
	}
	return s.mapErr(err)
}

// share returns how many of total records go to incidents [done, done+n).
func share(total, incidents, done, n int) int {
	if incidents == 0 {
		return 0
	}
	return total*(done+n)/incidents - total*done/incidents
}

// generator makes one batch of related rows.
type generator struct {
	rng *rand.Rand
	now time.Time
	seq int64
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// incident returns generated incident number seq; start times are 15 minutes
// apart so that IDs are unique.
func (g *generator) incident(seq int64) *hindsight.Incident {
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seq) * 15 * time.Minute).Add(time.Duration(g.rng.IntN(14)) * time.Minute)
	alert := g.pick(seedAlerts)
	svcs := hindsight.SplitList(g.pick(seedServices), g.pick(seedServices))
	if len(svcs) > 1 && g.rng.IntN(2) == 0 {
		svcs = svcs[:1]
	}
	inc := &hindsight.Incident{ID: hindsight.IncidentID(start, alert), Title: alert, AlertName: alert,
		Severity: hindsight.Severities[min(g.rng.IntN(8), 4)], Status: hindsight.IncidentResolved,
		Summary:     fmt.Sprintf("%s on %s: %s", alert, strings.Join(svcs, ", "), g.pick(seedPhrases)),
		Description: "Alert fired because " + g.pick(seedPhrases) + " while " + g.pick(seedPhrases) + ".",
		Services:    svcs, Regions: []string{g.pick(seedRegions)},
		Labels:   map[string]string{"alertname": alert, "severity": "critical", "service": svcs[0]},
		GroupKey: fmt.Sprintf("{}:{alertname=%q}", alert), StartedAt: start,
		CreatedAt: g.now, UpdatedAt: g.now, Version: 1}
	if seq%10 == 0 {
		inc.Status = hindsight.IncidentInvestigating
	} else {
		end := start.Add(time.Duration(5+g.rng.IntN(300)) * time.Minute)
		inc.ResolvedAt = &end
	}
	return inc
}

// batch writes n incidents with their events and actions in one transaction.
func (g *generator) batch(ctx context.Context, tx *Tx, n, events, actions int) error {
	var incRows, svcRows, evRows, actRows, docRows [][]any
	text := make([]strings.Builder, n)
	incs := make([]*hindsight.Incident, n)
	for i := 0; i < n; i++ {
		seq := g.seq + int64(i) + 1
		inc := g.incident(seq)
		incs[i] = inc
		incRows = append(incRows, append([]any{seq}, incidentArgs(inc)...))
		for _, svc := range inc.Services {
			svcRows = append(svcRows, []any{seq, svc, ts(inc.StartedAt)})
		}
		writeIncidentText(&text[i], inc)
	}
	for j := 0; j < events; j++ {
		i := g.rng.IntN(n)
		e := &hindsight.TimelineEvent{IncidentID: incs[i].ID, Time: incs[i].StartedAt.Add(time.Duration(j%60) * time.Minute),
			Type: seedEventTypes[g.rng.IntN(len(seedEventTypes))], Event: "Update", Actor: g.pick(seedOwners),
			Action: g.pick(seedVerbs) + " " + g.pick(seedServices), Source: "bench", CreatedBy: "bench", CreatedAt: g.now}
		if g.rng.IntN(4) == 0 {
			e.Action += ": " + g.pick(seedPhrases)
		}
		evRows = append(evRows, eventArgs(e))
		line(&text[i], e.Event, e.Action)
	}
	for j := 0; j < actions; j++ {
		i := g.rng.IntN(n)
		h := hindsight.Horizons[g.rng.IntN(3)]
		a := &hindsight.ActionItem{IncidentID: incs[i].ID, Title: "Prevent " + g.pick(seedPhrases), Owner: g.pick(seedOwners),
			Horizon: h, DueDate: h.DueDate(incs[i].StartedAt), Status: hindsight.ActionStatuses[g.rng.IntN(4)%3],
			Verification: "No recurrence for 30 days", CreatedAt: g.now, UpdatedAt: g.now, Version: 1}
		actRows = append(actRows, actionArgs(a))
		line(&text[i], a.Title, a.Verification)
	}
	var searchRows [][]any
	for i, inc := range incs {
		if i%3 == 0 {
			d := &hindsight.Document{IncidentID: inc.ID, Status: hindsight.DocDraft, Generator: "bench", GeneratedAt: g.now,
				Narrative: hindsight.Narrative{RootCause: "Root cause: " + g.pick(seedPhrases)}, Version: 1, UpdatedAt: g.now, UpdatedBy: "bench"}
			docRows = append(docRows, documentArgs(d))
			writeNarrativeText(&text[i], &d.Narrative)
		}
		searchRows = append(searchRows, []any{g.seq + int64(i) + 1, clean(inc.Title), clean(text[i].String())})
	}
	searchCols := "rowid, title, body"
	if tx.d.dollar {
		searchCols = "incident_seq, title, body"
	}
	for _, t := range []struct {
		table, cols string
		rows        [][]any
	}{
		{"incidents", "seq, " + incidentCols, incRows}, {"incident_services", "incident_seq, service, started_at", svcRows},
		{"timeline_events", eventCols, evRows}, {"action_items", actionCols, actRows},
		{"documents", documentCols, docRows}, {"search_docs", searchCols, searchRows},
	} {
		if err := tx.insertRows(ctx, t.table, t.cols, t.rows); err != nil {
			return fmt.Errorf("seed %s: %w", t.table, err)
		}
	}
	return nil
}

// insertRows inserts rows with multi-row INSERT statements, each under the
// engines' limits on bound parameters.
func (tx *Tx) insertRows(ctx context.Context, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, 30000/width)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	for len(rows) > 0 {
		chunk := rows[:min(per, len(rows))]
		rows = rows[len(chunk):]
		args := make([]any, 0, len(chunk)*width)
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", len(chunk)), ", ")
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// SampleIncidentIDs returns up to n incident IDs spread over the store, for
// benchmarks.
func (s *Store) SampleIncidentIDs(ctx context.Context, n int) (ids []string, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		var maxSeq int64
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM incidents").Scan(&maxSeq); err != nil {
			return err
		}
		for i := 0; i < n && maxSeq > 0; i++ {
			var id string
			err := tx.queryRow(ctx, "SELECT id FROM incidents WHERE seq >= ? ORDER BY seq LIMIT 1", rand.Int64N(maxSeq)+1).Scan(&id)
			if err != nil {
				return tx.d.mapError(err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// Size returns the bytes the store takes on disk: the SQLite file and its
// write-ahead log, or the PostgreSQL tables and indexes of its schema.
func (s *Store) Size(ctx context.Context) (int64, error) {
	if !s.d.dollar {
		var total int64
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if st, err := os.Stat(s.path + suffix); err == nil {
				total += st.Size()
			}
		}
		return total, nil
	}
	var size int64
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')`).Scan(&size)
	return size, s.mapErr(err)
}
