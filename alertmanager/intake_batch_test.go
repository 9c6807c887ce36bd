package alertmanager_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// gatedStore holds every transaction at a gate until the test opens it, so
// that concurrent requests queue up and are committed as one batch; it
// counts transactions, and fails each with failCommit (after its work, so
// that nothing is kept) when set. It runs one writer at a time on both
// engines unless parallel says otherwise, so that the batches the tests
// count are the same on PostgreSQL.
type gatedStore struct {
	hindsight.Store
	gate       chan struct{}
	parallel   int          // WriteParallelism; 0 is 1
	waiting    atomic.Int32 // transactions that reached the gate, ever
	active     atomic.Int32 // transactions under way now
	maxActive  atomic.Int32
	txs        atomic.Int32
	committed  atomic.Int32
	failCommit error
	// wrap, when set, wraps each transaction's services.
	wrap func(hindsight.Services) hindsight.Services
}

// WriteParallelism is s.parallel, at least 1, whatever the engine.
func (s *gatedStore) WriteParallelism() int { return max(1, s.parallel) }

func (s *gatedStore) WithTx(ctx context.Context, fn func(tx hindsight.Services) error) error {
	s.waiting.Add(1)
	for a := s.active.Add(1); ; {
		if m := s.maxActive.Load(); a <= m || s.maxActive.CompareAndSwap(m, a) {
			break
		}
	}
	defer s.active.Add(-1)
	<-s.gate
	s.txs.Add(1)
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		if s.wrap != nil {
			tx = s.wrap(tx)
		}
		if err := fn(tx); err != nil {
			return err
		}
		return s.failCommit
	})
	if err == nil {
		s.committed.Add(1)
	}
	return err
}

// batchCase is a batch of notifications sent at once through a gated store.
type batchCase struct {
	f     *intakeFixture
	store *gatedStore
	in    *alertmanager.Intake
}

func newBatchCase(f *intakeFixture) *batchCase {
	gs := &gatedStore{Store: f.store, gate: make(chan struct{})}
	base := f.intake
	in := &alertmanager.Intake{Store: gs, Mapping: base.Mapping, ReopenWindow: base.ReopenWindow, Now: base.Now,
		Draft: func(inc hindsight.Incident) *hindsight.Document {
			if inc.AlertName == "Broken" {
				return &hindsight.Document{Status: "bogus"} // EINVALID in the store
			}
			if inc.AlertName == "Panics" {
				panic("draft of a hostile notification")
			}
			return base.Draft(inc)
		}}
	return &batchCase{f: f, store: gs, in: in}
}

// outcome is one request's answer, and whether its incident was visible in
// the store (committed) when the answer came.
type outcome struct {
	res     alertmanager.Result
	err     error
	visible bool
}

// send delivers msgs concurrently: the first alone, held at the gate, then
// the others, all queued behind it before the gate opens, so that they share
// one batch.
func (b *batchCase) send(t *testing.T, msgs []*alertmanager.Message) []outcome {
	t.Helper()
	out := make([]outcome, len(msgs))
	var wg sync.WaitGroup
	for i, msg := range msgs {
		if i == 1 {
			waitFor(func() bool { return b.store.waiting.Load() == 1 })
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := b.in.Ingest(context.Background(), nil, msg)
			out[i] = outcome{res: res, err: err}
			if err == nil && res.IncidentID != "" {
				_, ferr := b.f.store.FindIncidentByID(context.Background(), res.IncidentID)
				out[i].visible = ferr == nil
			}
		}()
	}
	waitFor(func() bool { return b.in.Queued() == len(msgs)-1 })
	close(b.store.gate)
	wg.Wait()
	return out
}

// sendOneFailing sends six one-alert notifications, each of a new group,
// the fourth of the alert failing, and checks that the fourth alone failed,
// with the error code want, and that the other five opened incidents that
// were committed when they were answered.
func (b *batchCase) sendOneFailing(t *testing.T, failing, want string) {
	t.Helper()
	msgs := singleAlerts(t, 6, func(i int) string {
		if i == 3 {
			return failing
		}
		return fmt.Sprintf("Alert%02d", i)
	})
	for i, o := range b.send(t, msgs) {
		switch {
		case i == 3 && hindsight.ErrorCode(o.err) != want:
			t.Errorf("the %s request: %+v %v, want %s", failing, o.res, o.err, want)
		case i != 3 && (o.err != nil || !o.visible):
			t.Errorf("request %d: %+v %v, want stored", i, o.res, o.err)
		}
	}
	if got := len(b.f.incidents(t)); got != 5 {
		t.Errorf("%d incidents, want 5", got)
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(cond func() bool) {
	for deadline := time.Now().Add(10 * time.Second); !cond() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
}

// singleAlerts returns n notifications of one firing alert, each its own
// group, named by name(i).
func singleAlerts(t *testing.T, n int, name func(i int) string) []*alertmanager.Message {
	t.Helper()
	msgs := make([]*alertmanager.Message, n)
	for i := range msgs {
		_, msg := payload(t, "0-single-alert-firing.json")
		a := &msg.Alerts[0]
		a.Labels = map[string]string{"alertname": name(i), "service": "api", "severity": "critical", "n": fmt.Sprint(i)}
		msg.GroupKey = fmt.Sprintf(`{}:{alertname=%q, n="%d"}`, name(i), i)
		msg.CommonLabels, msg.GroupLabels = a.Labels, map[string]string{"alertname": name(i), "n": fmt.Sprint(i)}
		msgs[i] = msg
	}
	return msgs
}

func TestIntake_GroupCommit(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		b := newBatchCase(f)
		const n = 40
		out := b.send(t, singleAlerts(t, n, func(i int) string { return fmt.Sprintf("Alert%02d", i) }))
		for i, o := range out {
			if o.err != nil || !o.res.Opened || o.res.Events != 1 || !o.visible {
				t.Errorf("request %d: %+v, want opened with 1 event, committed before the answer", i, o)
			}
		}
		if got := b.store.txs.Load(); got != 2 {
			t.Errorf("%d transactions for %d concurrent notifications, want 2 (the first alone, then one batch)", got, n)
		}
		if got := len(f.incidents(t)); got != n {
			t.Errorf("%d incidents, want %d", got, n)
		}
	})
}

// TestIntake_GroupCommitParallel: on a store whose writers run in parallel
// the intake runs that many committers at once, never more, and every
// notification is stored. The first three notifications are sent one by one,
// each held at the gate by its own committer; the others then queue, since
// no fourth committer may start.
func TestIntake_GroupCommitParallel(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		b := newBatchCase(f)
		b.store.parallel = 3
		const n = 40
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, msg := range singleAlerts(t, n, func(i int) string { return fmt.Sprintf("Parallel%02d", i) }) {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = b.in.Ingest(context.Background(), nil, msg) }()
			if i < 3 {
				waitFor(func() bool { return b.store.waiting.Load() == int32(i+1) })
			}
		}
		waitFor(func() bool { return b.in.Queued() == n-3 })
		if got, queued := b.store.waiting.Load(), b.in.Queued(); got != 3 || queued != n-3 {
			t.Errorf("%d transactions at the gate and %d notifications queued, want 3 committers at once and %d queued", got, queued, n-3)
		}
		close(b.store.gate)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("request %d: %v", i, err)
			}
		}
		if got := b.store.maxActive.Load(); got != 3 {
			t.Errorf("at most %d transactions at once, want 3", got)
		}
		if got := len(f.incidents(t)); got != n {
			t.Errorf("%d incidents, want %d", got, n)
		}
	})
}

func TestIntake_GroupCommitDuplicate(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		b := newBatchCase(f)
		msgs := singleAlerts(t, 6, func(i int) string { return fmt.Sprintf("Alert%02d", i) })
		dup := *msgs[3]   // the other member of an HA pair, in the same batch
		again := *msgs[0] // a retry of the first, committed alone before the batch
		// Written by hand, as a script would send it: only alertname, no
		// group key, severity, annotations or endsAt; twice in the batch.
		bare := func() *alertmanager.Message {
			msg, err := alertmanager.DecodeBytes([]byte(`{"version":"4","status":"firing","alerts":[{"status":"firing",` +
				`"labels":{"alertname":"Disk Füll ✓"},"startsAt":"2025-09-30T00:24:00Z"}]}`))
			if err != nil {
				t.Fatal(err)
			}
			return msg
		}
		out := b.send(t, append(msgs, &dup, &again, bare(), bare()))
		dups := 0
		for i, o := range out {
			if o.err != nil {
				t.Errorf("request %d: %v", i, o.err)
			}
			if o.res.Duplicate {
				dups++
			}
		}
		if dups != 3 || len(f.incidents(t)) != 7 {
			t.Errorf("%d duplicates and %d incidents, want 3 and 7", dups, len(f.incidents(t)))
		}
		// The two arrive in either order: one opens, the other repeats it.
		if x, y := out[len(out)-2], out[len(out)-1]; x.res.Opened == y.res.Opened || !(x.visible || y.visible) || x.res.Duplicate == y.res.Duplicate {
			t.Errorf("the alertname-only notifications: %+v and %+v", x, y)
		}
		// Found before anything is written: the batch needs no second
		// attempt.
		if txs := b.store.txs.Load(); txs != 2 {
			t.Errorf("%d transactions, want 2", txs)
		}
	})
}

func TestIntake_GroupCommitFailingNotification(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		b := newBatchCase(f)
		b.sendOneFailing(t, "Broken", hindsight.EINVALID)
		for _, inc := range f.incidents(t) {
			if inc.AlertName == "Broken" {
				t.Errorf("the failed notification's incident %s was kept", inc.ID)
			}
		}
		// The lone first request; the batch without savepoints, ended by
		// the broken notification; the batch again, one savepoint each.
		if txs, committed := b.store.txs.Load(), b.store.committed.Load(); txs != 3 || committed != 2 {
			t.Errorf("%d transactions, %d committed; want 3 and 2", txs, committed)
		}
	})
}

func TestIntake_GroupCommitFailure(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		b := newBatchCase(f)
		b.store.failCommit = errors.New("disk on fire")
		msgs := singleAlerts(t, 8, func(i int) string { return fmt.Sprintf("Alert%02d", i) })
		dup := *msgs[5]
		out := b.send(t, append(msgs, &dup))
		for i, o := range out {
			if o.err == nil {
				t.Errorf("request %d: %+v, want the commit's error", i, o.res)
			} else if code := hindsight.ErrorCode(o.err); code == hindsight.EINVALID || code == hindsight.ECONFLICT {
				t.Errorf("request %d: %v, want a transient error (5xx)", i, o.err)
			}
		}
		if got := len(f.incidents(t)); got != 0 {
			t.Errorf("%d incidents kept, want none", got)
		}
	})
}

// doublingTx creates the draft of an incident of the alert "Doubled" twice:
// a conflict that a transaction deferring its writes meets only when it
// writes the held drafts, at its commit. deferring counts its transactions
// that deferred.
type doublingTx struct {
	hindsight.Services
	deferring *atomic.Int32
}

func (tx doublingTx) CreateDocument(ctx context.Context, d *hindsight.Document) error {
	if err := tx.Services.CreateDocument(ctx, d); err != nil || !strings.HasSuffix(d.IncidentID, "-doubled") {
		return err
	}
	again := *d
	return tx.Services.CreateDocument(ctx, &again)
}

func (tx doublingTx) DeferWrites() {
	tx.deferring.Add(1)
	tx.Services.DeferWrites()
}

func (tx doublingTx) Savepoint(ctx context.Context, fn func(tx hindsight.Services) error) error {
	return tx.Services.Savepoint(ctx, func(inner hindsight.Services) error {
		return fn(doublingTx{Services: inner, deferring: tx.deferring})
	})
}

// TestIntake_GroupCommitHeldRowRefused: a row the store refuses only when
// the batch's held rows are written (at the commit) fails the batch's
// transaction; the intake applies the batch again with every write made at
// once, and only the notification it belongs to fails.
func TestIntake_GroupCommitHeldRowRefused(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		b := newBatchCase(f)
		var deferring atomic.Int32
		b.store.wrap = func(tx hindsight.Services) hindsight.Services { return doublingTx{Services: tx, deferring: &deferring} }
		b.sendOneFailing(t, "Doubled", hindsight.ECONFLICT)
		// The lone first request deferred and committed; the batch
		// deferred and failed at the commit, with no notification failing
		// before, so it was applied at once without deferring (savepoints
		// alone would not have helped), and committed.
		if txs, committed, d := b.store.txs.Load(), b.store.committed.Load(), deferring.Load(); txs != 3 || committed != 2 || d != 2 {
			t.Errorf("%d transactions, %d committed, %d deferring; want 3, 2 and 2", txs, committed, d)
		}
	})
}

// TestIntake_GroupCommitPanic: a panic while a batch is applied fails that
// batch only: each of its requests gets a transient error (Alertmanager
// retries), nothing of it is kept, and the intake, on the same store, goes
// on committing the next notifications. Before the fix the panic ended the
// process.
func TestIntake_GroupCommitPanic(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		b := newBatchCase(f)
		msgs := singleAlerts(t, 6, func(i int) string {
			if i == 4 {
				return "Panics"
			}
			return fmt.Sprintf("Alert%02d", i)
		})
		out := b.send(t, msgs)
		for i, o := range out[1:] {
			if code := hindsight.ErrorCode(o.err); code != hindsight.EINTERNAL {
				t.Errorf("request %d of the panicking batch: %+v %v, want an internal error (5xx)", i+1, o.res, o.err)
			}
		}
		if o := out[0]; o.err != nil || !o.visible {
			t.Errorf("the request committed alone before the batch: %+v", o)
		}
		if got := len(f.incidents(t)); got != 1 {
			t.Errorf("%d incidents, want only the first request's", got)
		}
		// Alone, the same notification fails again without harm, and the
		// intake still stores the others.
		if _, err := b.in.Ingest(context.Background(), nil, msgs[4]); hindsight.ErrorCode(err) != hindsight.EINTERNAL {
			t.Errorf("the panicking notification alone: %v, want an internal error", err)
		}
		for _, msg := range msgs[1:4] {
			if _, err := b.in.Ingest(context.Background(), nil, msg); err != nil {
				t.Errorf("after the panic: %v", err)
			}
		}
		if got := len(f.incidents(t)); got != 4 {
			t.Errorf("%d incidents after the retries, want 4", got)
		}
	})
}
