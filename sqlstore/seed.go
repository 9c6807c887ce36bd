package sqlstore

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
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

// The generated text is built from a vocabulary of about 340 technical
// words interleaved with about 20,000 generated code names (hosts, customers,
// libraries, projects: the long tail of real post-mortems), drawn with
// Zipf-like frequencies. A typical word then occurs in 0.1–2% of incidents,
// the most frequent in about half, as in a real corpus; services, alert names
// and components are combinations of smaller lists, also Zipf-distributed.
var (
	seedTechWords = strings.Fields(`database connection pool exhausted replica lag disk latency timeout retry
		certificate expired deploy rollback cache eviction memory leak worker thread starvation garbage collection
		pause kernel upgrade config flag health check resolver queue backlog consumer producer partition offset
		leader election quorum heartbeat failover snapshot backup restore migration schema index vacuum checkpoint
		lock deadlock contention throttle limiter quota burst spike saturation throughput socket handshake cipher
		gateway router proxy sidecar balancer upstream downstream origin edge tunnel peering subnet route firewall
		policy permission token session cookie header payload serializer parser encoder transcoder thumbnail upload
		bucket object storage volume mount inode descriptor filesystem journal fsync compaction tombstone memtable
		shard rebalance split brain fencing lease clock skew drift ntp entropy mutex goroutine heap stack overflow
		allocation oom killer cgroup container pod node daemonset autoscaler scaling capacity reservation spot
		preemption eviction drain cordon taint toleration affinity scheduler cron batch pipeline stream watermark
		window aggregation rollup exporter collector scrape alertmanager silence inhibition paging escalation
		runbook dashboard trace span sampling cardinality label metric histogram quantile percentile budget burn
		slo availability error rate regression canary rollout bluegreen feature toggle experiment cohort ramp
		billing invoice refund payout ledger settlement reconciliation currency tax checkout cart catalog inventory
		pricing promotion coupon search indexer crawler ranking recommendation feed notification email sms push
		webhook callback integration vendor provider outage degradation brownout partial regional zonal
		dependency library version pinning vulnerability patch hotfix revert bisect flaky test build artifact
		registry image manifest chart helm terraform drift state plan apply credential secret vault rotation
		keystore truststore renewal acme dns ttl propagation cdn purge invalidation header compression gzip
		brotli http2 grpc keepalive idle reset refused unreachable packet loss jitter bandwidth mtu fragmentation
		nat conntrack iptables ebpf kafka rabbitmq redis memcached postgres mysql cassandra elasticsearch
		opensearch clickhouse bigquery snowflake spark flink airflow temporal envoy nginx haproxy istio linkerd
		consul etcd zookeeper vaultwarden jvm classloader hikari pgbouncer sqlalchemy hibernate orm n1 query plan
		sequential scan bloat wraparound autovacuum replication slot wal archive logical decoding cdc debezium
		backpressure buffer overflow underflow truncation encoding unicode timezone daylight leap second cutover`)
	seedAlertMetrics = []string{"APIErrorRate", "LatencyP99", "ReplicationLag", "DiskSpace", "PodRestarts", "CertificateExpiry",
		"ConsumerLag", "MemoryUsage", "NodeReady", "DNSFailures", "QueueBacklog", "GatewayTimeouts", "LoginFailures",
		"OriginErrors", "BackupAge", "ClusterHealth", "TLSErrors", "OOMKills", "PoolUsage", "SLOBurnRate", "CPUThrottling",
		"FileDescriptors", "GCPauses", "ThreadPoolQueue", "WebhookFailures"}
	seedAlertKinds = []string{"High", "Critical", "Low", "Rising", "Stalled", "Anomalous", "Sustained", "Flapping"}
	seedDomains    = strings.Fields("payments checkout ledger billing auth users search catalog orders inventory cart pricing notifications mailer images media video ingest analytics reporting scheduler gateway edge cdn dns storage backup identity fraud risk shipping tax invoicing loyalty reviews recommendations feed chat maps geo admin")
	seedRoles      = strings.Fields("api worker db cache queue consumer web gateway cron proxy indexer stream")
	seedRegions    = []string{"eu-west-1", "eu-central-1", "us-east-1", "us-east-2", "us-west-2", "ap-southeast-1", "ap-northeast-1", "sa-east-1"}
	seedVerbs      = []string{"Checked", "Restarted", "Scaled", "Rolled back", "Paged", "Investigated", "Drained", "Failed over",
		"Raised limits on", "Monitored", "Disabled", "Re-enabled", "Patched", "Reverted", "Increased", "Flushed", "Rotated",
		"Throttled", "Isolated", "Rebuilt", "Resized", "Purged", "Re-ran", "Escalated to", "Compared"}
	seedFixes         = []string{"Prevent", "Alert on", "Add a runbook for", "Load-test", "Automate", "Document", "Cap", "Remove", "Add a dashboard for", "Review"}
	seedVerifications = []string{"No recurrence for 30 days", "Game day passes", "Alert fires in staging", "Load test at 2x peak passes",
		"Runbook used in the next incident", "Dashboard reviewed by the on-call"}
	seedOwners = func() []string {
		var out []string
		for i := 0; i < 200; i++ {
			out = append(out, fmt.Sprintf("@engineer%03d", i))
		}
		return out
	}()
	seedEventTypes = []hindsight.EventType{hindsight.EventAlertFired, hindsight.EventAcknowledged, hindsight.EventAssessment,
		hindsight.EventHypothesis, hindsight.EventFinding, hindsight.EventMitigation, hindsight.EventFix, hindsight.EventMonitoring, hindsight.EventNote}

	// seedVocab is built on first use: building it takes milliseconds, which
	// every command of the binary would otherwise pay at start-up.
	seedVocab    = sync.OnceValue(func() []string { return vocabulary(seedTechWords, 20000) })
	seedServices = combine(seedDomains, seedRoles, "-")
	seedAlerts   = combine(seedAlertKinds, seedAlertMetrics, "")
)

// vocabulary returns the words of generated text by rank: a technical word
// every 8th rank while they last (so that most of them land in the 0.1–2%
// band), generated code names elsewhere. It is the same for every seed.
func vocabulary(tech []string, names int) []string {
	rng := rand.New(rand.NewPCG(7, 7))
	cons, vow := []byte("bdfgklmnprstvz"), []byte("aeiou")
	syl := func() string { return string([]byte{cons[rng.IntN(len(cons))], vow[rng.IntN(len(vow))]}) }
	seen := map[string]bool{}
	for _, w := range tech {
		seen[w] = true
	}
	out := make([]string, 0, len(tech)+names)
	t := 0
	for len(out) < len(tech)+names {
		if len(out)%8 == 0 && t < len(tech) {
			out, t = append(out, tech[t]), t+1
			continue
		}
		w := syl() + syl() + syl() + string(cons[rng.IntN(len(cons))])
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// combine returns every a+sep+b, interleaved so that neighbouring ranks differ
// in both parts.
func combine(as, bs []string, sep string) []string {
	out := make([]string, 0, len(as)*len(bs))
	for d := 0; d < len(as)*len(bs); d++ {
		out = append(out, as[d%len(as)]+sep+bs[(d/len(as)+d)%len(bs)])
	}
	return out
}

// SeedServices lists the 30 services that generated incidents name most
// often, for list benchmarks.
func SeedServices() []string { return append([]string(nil), seedServices[:30]...) }

// SeedQuery is a search that benchmarks run on a generated store.
type SeedQuery struct {
	Name  string
	Query hindsight.SearchQuery
}

// SeedQueries returns the benchmark searches: a rare word, a common word, a
// query of three words and a word with filters, each matching 0.1–2% of a
// generated store, and a word outside that band that matches about half of
// it. "hindsight bench store" reports how many incidents each matches.
func SeedQueries() []SeedQuery {
	year := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	return []SeedQuery{
		{"rare word", hindsight.SearchQuery{Text: "bafideb"}},
		{"common word", hindsight.SearchQuery{Text: "failover"}},
		{"three words", hindsight.SearchQuery{Text: "connection pool exhausted"}},
		{"word + filters", hindsight.SearchQuery{Text: "timeout", IncidentFilter: hindsight.IncidentFilter{
			Service: "checkout-worker", Status: hindsight.IncidentResolved, StartedFrom: year, StartedTo: year.AddDate(1, 0, 0)}}},
		{"broad word", hindsight.SearchQuery{Text: "database"}},
	}
}

// SeedWords lists the texts of the benchmark searches.
func SeedWords() []string {
	var out []string
	for _, q := range SeedQueries() {
		out = append(out, q.Query.Text)
	}
	return out
}

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
		g := newGenerator(rng, s.now(), firstSeq+int64(done))
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
	// Zipf-distributed ranks into seedVocab, seedServices, seedAlerts and
	// the short lists.
	words, services, alerts, short *rand.Zipf
	vocab                          []string
}

func newGenerator(rng *rand.Rand, now time.Time, seq int64) *generator {
	vocab := seedVocab()
	return &generator{rng: rng, now: now, seq: seq, vocab: vocab,
		words:    rand.NewZipf(rng, 1.05, 10, uint64(len(vocab)-1)),
		services: rand.NewZipf(rng, 1.1, 3, uint64(len(seedServices)-1)),
		alerts:   rand.NewZipf(rng, 1.1, 3, uint64(len(seedAlerts)-1)),
		short:    rand.NewZipf(rng, 1.2, 2, 1<<20)}
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// often picks from a short list, the first items more often.
func (g *generator) often(list []string) string { return list[g.short.Uint64()%uint64(len(list))] }

// text returns n words of the vocabulary.
func (g *generator) text(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = g.vocab[g.words.Uint64()]
	}
	return strings.Join(w, " ")
}

func (g *generator) service() string { return seedServices[g.services.Uint64()] }

// incident returns generated incident number seq; start times are 15 minutes
// apart so that IDs are unique.
func (g *generator) incident(seq int64) *hindsight.Incident {
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seq) * 15 * time.Minute).Add(time.Duration(g.rng.IntN(14)) * time.Minute)
	alert := seedAlerts[g.alerts.Uint64()]
	svcs := hindsight.SplitList(g.service(), g.service())
	if len(svcs) > 1 && g.rng.IntN(2) == 0 {
		svcs = svcs[:1]
	}
	inc := &hindsight.Incident{ID: hindsight.IncidentID(start, alert), Title: alert, AlertName: alert,
		Severity: hindsight.Severities[min(g.rng.IntN(8), 4)], Status: hindsight.IncidentResolved,
		Summary:     fmt.Sprintf("%s on %s: %s", alert, strings.Join(svcs, ", "), g.text(3)),
		Description: "Alert fired after " + g.text(4) + " while " + g.text(3) + ".",
		Services:    svcs, Regions: []string{g.often(seedRegions)},
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
			svcRows = append(svcRows, []any{seq, svc, ts(inc.StartedAt), string(inc.Status), string(inc.Severity)})
		}
		writeIncidentText(&text[i], inc)
	}
	for j := 0; j < events; j++ {
		i := g.rng.IntN(n)
		e := &hindsight.TimelineEvent{IncidentID: incs[i].ID, Time: incs[i].StartedAt.Add(time.Duration(j%60) * time.Minute),
			Type: seedEventTypes[g.rng.IntN(len(seedEventTypes))], Event: g.text(1), Actor: g.pick(seedOwners),
			Action: g.often(seedVerbs) + " " + g.text(1) + " on " + incs[i].Services[0], Source: "bench", CreatedBy: "bench", CreatedAt: g.now}
		if g.rng.IntN(4) == 0 {
			e.Action += ": " + g.text(3)
		}
		evRows = append(evRows, eventArgs(e))
		line(&text[i], e.Event, e.Action)
	}
	for j := 0; j < actions; j++ {
		i := g.rng.IntN(n)
		h := hindsight.Horizons[g.rng.IntN(3)]
		a := &hindsight.ActionItem{IncidentID: incs[i].ID, Title: g.often(seedFixes) + " " + g.text(2), Owner: g.pick(seedOwners),
			Horizon: h, DueDate: h.DueDate(incs[i].StartedAt), Status: hindsight.ActionStatuses[g.rng.IntN(4)%3],
			Verification: g.often(seedVerifications), CreatedAt: g.now, UpdatedAt: g.now, Version: 1}
		actRows = append(actRows, actionArgs(a))
		line(&text[i], a.Title, a.Verification)
	}
	for i, inc := range incs {
		if i%3 == 0 {
			d := &hindsight.Document{IncidentID: inc.ID, Status: hindsight.DocDraft, Generator: "bench", GeneratedAt: g.now,
				Narrative: hindsight.Narrative{Impact: "Customers saw " + g.text(3) + ".", RootCause: "Root cause: " + g.text(8) + ".",
					Resolution: g.often(seedVerbs) + " " + g.text(3) + "."},
				Version: 1, UpdatedAt: g.now, UpdatedBy: "bench"}
			docRows = append(docRows, documentArgs(encodeNarrative(d)))
			writeNarrativeText(&text[i], &d.Narrative)
		}
	}
	var searchRows [][]any
	for i, inc := range incs {
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
		{"incidents", "seq, " + incidentCols, incRows}, {"incident_services", "incident_seq, service, started_at, status, severity", svcRows},
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
	args := make([]any, 0, len(rows)*width)
	for _, r := range rows {
		args = append(args, r...)
	}
	return tx.insertMany(ctx, "INSERT INTO "+table+" ("+cols+") VALUES ", width, args)
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
