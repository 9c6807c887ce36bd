package sqlstore_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// queueIncidents creates n incidents in one transaction that defers its
// search documents, each with a word of its own ("quokka<i>"), one they all
// share ("wombat") and one per hundred ("group<i/100>").
func queueIncidents(t testing.TB, s hindsight.Store, from, n int) {
	t.Helper()
	if err := createQueued(s, from, n); err != nil {
		t.Fatalf("queue %d incidents: %v", n, err)
	}
}

func createQueued(s hindsight.Store, from, n int) error {
	return s.WithTx(context.Background(), func(tx hindsight.Services) error {
		tx.DeferIndex()
		for i := from; i < from+n; i++ {
			inc := storetest.NewIncident(i, fmt.Sprintf("Quokka%d", i))
			inc.Summary = fmt.Sprintf("wombat burrow collapsed group%d", i/100)
			if err := tx.CreateIncident(context.Background(), inc); err != nil {
				return err
			}
		}
		return nil
	})
}

// searchTotal returns how many incidents Search finds for text.
func searchTotal(t testing.TB, s hindsight.Store, text string) int {
	t.Helper()
	_, n, err := s.Search(context.Background(), hindsight.SearchQuery{Text: text})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return n
}

func queueLength(t testing.TB, s *sqlstore.Store) int {
	t.Helper()
	n, _, err := s.IndexQueueLength(context.Background())
	if err != nil {
		t.Fatalf("queue length: %v", err)
	}
	return n
}

// TestIndexQueue: a transaction that defers indexing commits its incidents
// unsearchable and queued, once each however often it touched them; a
// savepoint that rolls back queues nothing; IndexQueued then makes them
// searchable and empties the queue, and the background pass does the same
// by itself.
func TestIndexQueue(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := teststore.Open(t, dsn)
		sqlstore.HoldIndex(s)
		kept, undone := storetest.NewIncident(1, "Quokka"), storetest.NewIncident(2, "Numbat")
		err := s.WithTx(ctx, func(tx hindsight.Services) error {
			tx.DeferIndex()
			if err := tx.CreateIncident(ctx, kept); err != nil {
				return err
			}
			for i := range 3 {
				if err := tx.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: kept.ID, Time: storetest.T0,
					Type: hindsight.EventNote, Event: "Note", Action: fmt.Sprintf("dingo %d", i)}); err != nil {
					return err
				}
			}
			_ = tx.Savepoint(ctx, func(tx hindsight.Services) error {
				if err := tx.CreateIncident(ctx, undone); err != nil {
					return err
				}
				return fmt.Errorf("roll this one back")
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := queueLength(t, s); n != 1 {
			t.Errorf("queue holds %d incidents, want 1 (the kept one, once)", n)
		}
		if n := searchTotal(t, s, "dingo"); n != 0 {
			t.Errorf("search finds %d before the rebuild, want 0 (deferred)", n)
		}
		n, err := s.IndexQueued(ctx, 10)
		if err != nil || n != 1 {
			t.Fatalf("IndexQueued = %d, %v; want 1", n, err)
		}
		if n := searchTotal(t, s, "dingo quokka"); n != 1 {
			t.Errorf("search finds %d after the rebuild, want 1", n)
		}
		if n := queueLength(t, s); n != 0 {
			t.Errorf("queue holds %d after the rebuild, want 0", n)
		}
		if n, err := s.IndexQueued(ctx, 10); err != nil || n != 0 {
			t.Errorf("IndexQueued on an empty queue = %d, %v; want 0", n, err)
		}

		// A store that is not held rebuilds after the commit by itself.
		other := teststore.Open(t, dsn)
		queueIncidents(t, other, 10, 40)
		waitUntil(t, "the background rebuild", func() bool { return queueLength(t, other) == 0 })
		if n := searchTotal(t, other, "wombat"); n != 40 {
			t.Errorf("search finds %d after the background rebuild, want 40", n)
		}
	})
}

// TestIndexQueue_TwoInstances: two stores on one database rebuild a shared
// queue at once; every queued incident is rebuilt by exactly one of them
// (their counts add up to the queue, not more) and ends up searchable.
func TestIndexQueue_TwoInstances(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		a, b := teststore.Open(t, dsn), teststore.Open(t, dsn)
		sqlstore.HoldIndex(a)
		sqlstore.HoldIndex(b)
		const total = 300
		queueIncidents(t, a, 0, total/2)
		queueIncidents(t, b, total/2, total/2)
		counts := make([]int, 2)
		var wg sync.WaitGroup
		for i, s := range []*sqlstore.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for idle := 0; idle < 3; {
					n, err := s.IndexQueued(context.Background(), 7)
					if err != nil {
						t.Errorf("instance %d: %v", i, err)
						return
					}
					counts[i] += n
					if n == 0 {
						idle++
						time.Sleep(5 * time.Millisecond)
					}
				}
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != total {
			t.Errorf("the instances rebuilt %d + %d incidents, want %d in all (each once)", counts[0], counts[1], total)
		}
		if n := queueLength(t, a); n != 0 {
			t.Errorf("queue holds %d, want 0", n)
		}
		if n := searchTotal(t, b, "wombat"); n != total {
			t.Errorf("search finds %d, want %d", n, total)
		}
		for _, i := range []int{0, total/2 - 1, total / 2, total - 1} {
			if n := searchTotal(t, a, fmt.Sprintf("quokka%d", i)); n != 1 {
				t.Errorf("search quokka%d finds %d, want 1", i, n)
			}
		}
	})
}

// TestIndexQueue_WriterDuringRebuild: an incident rewritten again and again
// while another instance rebuilds the queue ends up indexed as last
// written: a rebuild never overwrites a later write's document with an
// earlier one.
func TestIndexQueue_WriterDuringRebuild(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		writer, rebuilder := teststore.Open(t, dsn), teststore.Open(t, dsn)
		sqlstore.HoldIndex(writer)
		inc := storetest.MustCreateIncident(t, writer, storetest.NewIncident(1, "Bilby"))
		const rounds = 30
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := range rounds {
				err := writer.WithTx(ctx, func(tx hindsight.Services) error {
					tx.DeferIndex()
					cur, err := tx.FindIncidentByID(ctx, inc.ID)
					if err != nil {
						return err
					}
					cur.Summary = fmt.Sprintf("round%d", i)
					return tx.UpdateIncident(ctx, cur, cur.Version)
				})
				if err != nil {
					t.Errorf("round %d: %v", i, err)
					return
				}
			}
		}()
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
			}
			if _, err := rebuilder.IndexQueued(ctx, 5); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := rebuilder.IndexQueued(ctx, 5); err != nil {
			t.Fatal(err)
		}
		if n := searchTotal(t, rebuilder, fmt.Sprintf("round%d", rounds-1)); n != 1 {
			t.Errorf("search for the last summary finds %d, want 1", n)
		}
		if n := searchTotal(t, rebuilder, fmt.Sprintf("round%d", rounds-2)); n != 0 {
			t.Errorf("search for the previous summary finds %d, want 0", n)
		}
		if n := queueLength(t, rebuilder); n != 0 {
			t.Errorf("queue holds %d, want 0", n)
		}
	})
}

// killChildEnv names the store that the child process of
// TestIndexQueue_KillNine writes into.
const killChildEnv = "HINDSIGHT_TEST_INDEX_KILL_CHILD"

// TestIndexQueue_KillNine: a process that queued incidents is killed with
// SIGKILL while it rebuilds them, once at least one batch has committed.
// Every incident is then either searchable or still queued, never neither
// nor both, and the next store to open the database rebuilds the rest.
func TestIndexQueue_KillNine(t *testing.T) {
	if dsn := os.Getenv(killChildEnv); dsn != "" {
		killChild(dsn)
		return
	}
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		const total = 2000
		s := teststore.Open(t, dsn) // migrates the store before the child opens it
		sqlstore.HoldIndex(s)
		childDSN, app := dsn, fmt.Sprintf("hindsight-kill-child-%d-%d", os.Getpid(), time.Now().UnixNano())
		if sqlstore.IsPostgres(dsn) {
			childDSN = withQuery(t, dsn, "application_name", app)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestIndexQueue_KillNine$", "-test.count=1")
		cmd.Env = append(os.Environ(), killChildEnv+"="+childDSN, "HINDSIGHT_TEST_INDEX_KILL_N="+strconv.Itoa(total))
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		lines := bufio.NewScanner(out)
		for lines.Scan() && lines.Text() != "rebuilding" {
		}
		waitUntil(t, "the child's first rebuild", func() bool { return queueLength(t, s) < total })
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if sqlstore.IsPostgres(dsn) {
			// The server may still be committing or rolling back the
			// killed child's last transaction: count once it has settled.
			waitUntil(t, "the killed child's sessions to end", func() bool { return sessionsNamed(t, dsn, app) == 0 })
		}

		queued, found := queueLength(t, s), 0
		for g := range total / 100 {
			found += searchTotal(t, s, fmt.Sprintf("wombat group%d", g))
		}
		t.Logf("after SIGKILL: %d searchable, %d queued", found, queued)
		if queued+found != total {
			t.Errorf("after SIGKILL %d incidents are searchable and %d queued, want %d in all", found, queued, total)
		}
		if queued == 0 {
			t.Errorf("nothing left queued: the child was not killed during its rebuild")
		}
		sqlstore.ReleaseIndex(s)
		waitUntil(t, "the rebuild after restart", func() bool { return queueLength(t, s) == 0 })
		found = 0
		for g := range total / 100 {
			found += searchTotal(t, s, fmt.Sprintf("wombat group%d", g))
		}
		if found != total {
			t.Errorf("after restart search finds %d, want %d", found, total)
		}
	})
}

// killChild is the child of TestIndexQueue_KillNine: it queues the
// incidents, says so, and rebuilds them in the background until killed.
func killChild(dsn string) {
	n, _ := strconv.Atoi(os.Getenv("HINDSIGHT_TEST_INDEX_KILL_N"))
	s, err := sqlstore.Open(context.Background(), dsn)
	if err == nil {
		sqlstore.HoldIndex(s)
		err = createQueued(s, 0, n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("rebuilding")
	sqlstore.ReleaseIndex(s)
	time.Sleep(time.Minute)
	os.Exit(3)
}

// waitUntil polls cond for up to 30 seconds.
// withQuery returns dsn (a URL) with the query parameter key set to value.
func withQuery(t *testing.T, dsn, key, value string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// sessionsNamed counts the PostgreSQL sessions whose application_name is
// app.
func sessionsNamed(t *testing.T, dsn, app string) int {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n); err != nil {
		t.Fatalf("count sessions: %v", err)
	}
	return n
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestIndexQueue_DocumentsAgree: the queue's rebuild, which reads many
// incidents at once, indexes exactly the text that a write's own rebuild
// indexes, for incidents with a document, timeline events, action items
// and sign-offs, and for one with nothing but its row.
func TestIndexQueue_DocumentsAgree(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		storetest.Populate(t, s)
		storetest.MustCreateIncident(t, s, storetest.NewIncident(7, "Bare — ünïcode 🔥"))
		incs, _, err := s.FindIncidents(context.Background(), hindsight.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(incs) < 2 {
			t.Fatalf("%d incidents, want at least 2", len(incs))
		}
		var ids []string
		for _, inc := range incs {
			ids = append(ids, inc.ID)
		}
		if err := sqlstore.SearchDocsAgree(context.Background(), s, ids); err != nil {
			t.Error(err)
		}
	})
}

// TestSearch_PlaceholdersNotIndexed: the template's bracketed placeholders
// left in a draft are not searchable (they would match every new draft);
// answered fields are, and so is text that merely contains brackets.
func TestSearch_PlaceholdersNotIndexed(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		inc := storetest.MustCreateIncident(t, s, storetest.NewIncident(1, "Pangolin"))
		doc := &hindsight.Document{IncidentID: inc.ID, Status: hindsight.DocDraft, Author: "alice", Version: 1,
			Narrative: hindsight.Narrative{
				Impact:     " [Customer-facing impact, affected users/services] ",
				RootCause:  "Cache stampede after the [deploy] of build 42",
				Resolution: "[How it was resolved]",
				Whys:       []hindsight.Why{{Question: "What happened?", Answer: "[Direct cause]"}},
				WentWell:   []hindsight.Field{{Label: "Detection", Value: "Paged within ninety seconds"}},
			}}
		if err := s.CreateDocument(ctx, doc); err != nil {
			t.Fatal(err)
		}
		for text, want := range map[string]int{"customer-facing": 0, "resolved": 0, "direct cause": 0,
			"stampede deploy": 1, "ninety seconds": 1, "pangolin": 1} {
			if n := searchTotal(t, s, text); n != want {
				t.Errorf("search %q finds %d, want %d", text, n, want)
			}
		}
	})
}

// TestSearchDoc_RepeatedLinesOnce: a timeline line repeated across events
// (99 of a 100-alert notification's events read "Alert firing") is indexed
// once, and every distinct line still is; the queue's rebuild agrees.
func TestSearchDoc_RepeatedLinesOnce(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		inc := storetest.MustCreateIncident(t, s, storetest.NewIncident(1, "Narwhal"))
		at := inc.StartedAt
		var events []*hindsight.TimelineEvent
		hosts := []string{"kestrel", "osprey", "merlin", "harrier", "falcon"}
		for i, host := range hosts {
			events = append(events, &hindsight.TimelineEvent{IncidentID: inc.ID, Type: hindsight.EventAlertFired,
				Time: at.Add(time.Duration(i) * time.Second), Event: "Alert fired: Narwhal (instance=" + host + ":8080)",
				Action: "Alert firing"})
		}
		events = append(events, &hindsight.TimelineEvent{IncidentID: inc.ID, Type: hindsight.EventAlertFired,
			Time: at.Add(time.Minute), Event: "Alert firing", Action: "  Alert firing  "})
		// Lines that only look alike are kept apart: the composed and the
		// decomposed form of one text, each written twice.
		composed, decomposed := "Disque plein sur nœud-α 🔥 (é)", "Disque plein sur nœud-α 🔥 (e\u0301)"
		for i, text := range []string{composed, decomposed, decomposed, composed} {
			events = append(events, &hindsight.TimelineEvent{IncidentID: inc.ID, Type: hindsight.EventNote,
				Time: at.Add(time.Duration(2+i) * time.Minute), Event: text})
		}
		if err := s.WithTx(ctx, func(tx hindsight.Services) error { return tx.AddTimelineEvents(ctx, events) }); err != nil {
			t.Fatal(err)
		}
		body, err := sqlstore.SearchDocBody(ctx, s, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(body, "Alert firing\n"); n != 1 {
			t.Errorf("%q: \"Alert firing\" indexed %d times, want once", body, n)
		}
		for _, l := range []string{composed + "\n", decomposed + "\n"} {
			if strings.Count(body, l) != 1 {
				t.Errorf("%q: %q not indexed once", body, l)
			}
		}
		for _, host := range hosts {
			if l := "Alert fired: Narwhal (instance=" + host + ":8080)\n"; strings.Count(body, l) != 1 {
				t.Errorf("%q: %q not indexed once", body, l)
			}
		}
		for text, want := range map[string]int{"firing": 1, "falcon": 1, "kestrel narwhal": 1} {
			if n := searchTotal(t, s, text); n != want {
				t.Errorf("search %q finds %d, want %d", text, n, want)
			}
		}
		if err := sqlstore.SearchDocsAgree(ctx, s, []string{inc.ID}); err != nil {
			t.Error(err)
		}
	})
}
