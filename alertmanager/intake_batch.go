package alertmanager

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Group commit. Every notification waits in the Intake's queue; a
// committer goroutine takes whatever is waiting (up to the caps below),
// applies it in ONE store transaction, each notification inside its own
// savepoint, commits, and only then answers every request of the batch. One
// commit (one fsync on SQLite) thus covers many webhooks, and a 200 still
// means durable. Committers run only while there is work: a lone request is
// committed at once, with no added delay, and no goroutine is left behind
// when the intake is idle. On a store whose writers run in parallel
// (hindsight.ParallelWriter: PostgreSQL) up to that many committers run at
// once, each with its own batch and transaction, so that the round trips of
// one batch overlap those of the others; their group locks, taken in sorted
// order, keep them from deadlocking.
const (
	// maxBatchNotifications caps the notifications of one transaction.
	maxBatchNotifications = 256
	// maxParallelBatchNotifications is the cap where batches run in
	// parallel (PostgreSQL): each savepoint that writes is a subtransaction,
	// and past 64 of them in one transaction PostgreSQL overflows its
	// shared cache of subtransaction IDs, which slows every other session's
	// snapshots. Parallel batches need less batching anyway: PostgreSQL
	// already shares WAL flushes between concurrent commits.
	maxParallelBatchNotifications = 48
	// maxBatchAlerts caps the alerts of one transaction; a single larger
	// notification still goes alone.
	maxBatchAlerts = 10000
	// batchTimeout bounds one batch's transaction. The batch serves many
	// requests, so it does not run under any one request's context.
	batchTimeout = time.Minute
)

// request is one notification waiting for its batch to commit.
type request struct {
	ctx context.Context
	raw []byte
	msg *Message
	// fingerprint is msg.Fingerprint(): what makes a repeat a duplicate.
	fingerprint string
	now         time.Time
	// newGroup says that the batch found no incident of the group and
	// that no notification before this one in the batch is of the group.
	newGroup bool
	// res and err are the answer, valid once done is closed. Before that,
	// err is the notification's own failure (errDuplicate included).
	res  Result
	err  error
	done chan struct{}
}

// committer is the Intake's queue and the count of its committer
// goroutines.
type committer struct {
	mu      sync.Mutex
	queue   []*request
	running int
}

// submit queues r, starts the committer if it is not running, and waits for
// r's answer: it comes after the commit of r's batch.
func (in *Intake) submit(r *request) (Result, error) {
	r.done = make(chan struct{})
	c := &in.batch
	c.mu.Lock()
	c.queue = append(c.queue, r)
	if c.running < in.committers() {
		c.running++
		go in.commitLoop()
	}
	c.mu.Unlock()
	<-r.done
	return r.res, r.err
}

// committers returns how many committers may run at once.
func (in *Intake) committers() int {
	return max(1, in.Store.WriteParallelism())
}

// commitLoop commits batches until the queue is empty, then stops.
func (in *Intake) commitLoop() {
	for {
		batch := in.take()
		if batch == nil {
			return
		}
		in.commit(batch)
	}
}

// take removes the next batch from the queue: at least one notification,
// then more while the caps allow. It returns nil, counting the committer
// stopped, when the queue is empty.
func (in *Intake) take() []*request {
	c := &in.batch
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.running--
		c.queue = nil
		return nil
	}
	limit := maxBatchNotifications
	if in.committers() > 1 {
		limit = maxParallelBatchNotifications
	}
	n, alerts := 1, len(c.queue[0].msg.Alerts)
	for n < len(c.queue) && n < limit && alerts+len(c.queue[n].msg.Alerts) <= maxBatchAlerts {
		alerts += len(c.queue[n].msg.Alerts)
		n++
	}
	batch := slices.Clone(c.queue[:n])
	c.queue = slices.Delete(c.queue, 0, n)
	return batch
}

// commit applies a batch in one transaction and answers every request.
// Requests whose client has gone are answered without being applied.
func (in *Intake) commit(batch []*request) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = hindsight.Errorf(hindsight.EUNAVAILABLE, "request cancelled before it was stored: %v", err)
			close(r.done)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(hindsight.NewContextWithActor(context.Background(), "alertmanager"), batchTimeout)
	defer cancel()
	var err error
	for i := 0; i < len(attempts); i++ {
		var panicked bool
		panicked, err = in.applyInTx(ctx, live, attempts[i])
		if err == nil || len(live) == 1 || panicked || hindsight.ErrorCode(err) == hindsight.EUNAVAILABLE || ctx.Err() != nil {
			break
		}
		if i == 0 && !slices.ContainsFunc(live, failedAlone) {
			i++ // no notification failed, the transaction did: savepoints would not help
		}
		if i+1 < len(attempts) && !attempts[i+1].deferWrites {
			slog.Warn("alertmanager: intake batch failed as a whole; applying it again without deferred writes",
				"notifications", len(live), "err", err)
		}
	}
	for _, r := range live {
		answer(r, err, len(live) == 1)
		close(r.done)
	}
}

// attempt is one way of applying a batch. The first is the cheapest, and
// each later one is tried when the one before failed the batch as a whole
// (the second only when a notification failed in the first):
//
//  1. writes held (hindsight.WriteDeferrer: a batch's new rows are written
//     with one statement per table, most of them at the commit) and no
//     savepoints, whose round trips would be a third of a new incident's
//     on PostgreSQL: the first notification that fails ends the attempt;
//  2. writes held, each notification in a savepoint of its own, so that
//     one that fails (an invalid draft, a store error) fails alone;
//  3. every write made at once, in savepoints: a held row that the store
//     refuses only when it is written (at the commit) fails the whole
//     transaction in 1 and 2, and here only its notification.
//
// A lone notification is applied once, as in 1: its failure is its answer.
type attempt struct {
	deferWrites, savepoints bool
}

var attempts = []attempt{{deferWrites: true}, {deferWrites: true, savepoints: true}, {savepoints: true}}

// applyInTx applies the batch in one store transaction, as a says. A panic
// anywhere in it (the store rolls its transaction back on the way out)
// becomes the batch's error, and panicked is set.
func (in *Intake) applyInTx(ctx context.Context, batch []*request, a attempt) (panicked bool, err error) {
	defer recoverBatch(&err, &panicked, len(batch))
	return false, in.Store.WithTx(ctx, func(tx hindsight.Services) error {
		// Indexing is left to after the commit, from a queue written in
		// this transaction: off the path the webhooks' answers wait for.
		tx.DeferIndex()
		if a.deferWrites {
			tx.DeferWrites()
		}
		return in.applyBatch(ctx, tx, batch, a.savepoints)
	})
}

// failedAlone reports whether r's own notification failed (not as a
// duplicate).
func failedAlone(r *request) bool {
	return r.err != nil && !errors.Is(r.err, errDuplicate)
}

// recoverBatch turns a panic while a batch is applied into the batch's
// error, logged with its stack: the transaction rolls back, every request
// of the batch is answered 500 (Alertmanager retries), and the process and
// the other batches go on. It must be deferred directly.
func recoverBatch(err *error, panicked *bool, n int) {
	p := recover()
	if p == nil {
		return
	}
	*panicked = true
	slog.Error("alertmanager: intake batch failed on a panic; its notifications were not stored",
		"panic", fmt.Sprint(p), "notifications", n, "stack", string(debug.Stack()))
	*err = hindsight.Errorf(hindsight.EINTERNAL, "the notification could not be stored (internal fault, logged)")
}

// answer sets r's final answer from its own outcome and the transaction's.
// A duplicate is answered as such only when the transaction committed, or
// when r was alone (the notification it repeats then committed earlier): in
// a failed batch it may repeat one that was just rolled back.
func answer(r *request, txErr error, alone bool) {
	switch {
	case errors.Is(r.err, errDuplicate) && (txErr == nil || alone):
		r.res, r.err = Result{Duplicate: true}, nil
	case r.err != nil && !errors.Is(r.err, errDuplicate):
		r.res = Result{}
	case txErr != nil:
		r.res, r.err = Result{}, txErr
	}
}

// applyBatch takes the locks of the batch's groups (LockAlertGroups: in
// sorted order, so that two processes' batches that share groups wait for
// each other without deadlocking), finds the duplicates, then applies every
// other notification in tx: each in a savepoint, or, without savepoints,
// until one fails, whose error then ends the transaction.
func (in *Intake) applyBatch(ctx context.Context, tx hindsight.Services, batch []*request, savepoints bool) error {
	keys := make([]string, len(batch))
	fingerprints := make([]string, len(batch))
	for i, r := range batch {
		r.res, r.err = Result{}, nil
		keys[i], fingerprints[i] = r.msg.GroupKey, r.fingerprint
	}
	if err := tx.LockAlertGroups(ctx, keys...); err != nil {
		return err
	}
	// Under the groups' locks (a fingerprint belongs to one group), what
	// is recorded stays so until the commit: one statement finds the
	// duplicates, and the notifications are recorded without a check
	// each (held, when the writes are).
	recorded, err := tx.RecordedNotifications(ctx, fingerprints...)
	if err != nil {
		return err
	}
	// One statement says which groups have an incident: the first
	// notification of each other group need not look its group up. A lone
	// notification looks its group up directly.
	with := map[string]bool{}
	if len(batch) > 1 {
		if with, err = tx.AlertGroupsWithIncidents(ctx, keys...); err != nil {
			return err
		}
	}
	for _, r := range batch {
		r.newGroup = len(batch) > 1 && !with[r.msg.GroupKey]
		with[r.msg.GroupKey] = true
	}
	for _, r := range batch {
		if recorded[r.fingerprint] {
			r.err = errDuplicate
			continue
		}
		if !savepoints {
			if r.err = in.apply(ctx, tx, r); r.err != nil {
				return r.err
			}
		} else if r.err = tx.Savepoint(ctx, func(tx hindsight.Services) error { return in.apply(ctx, tx, r) }); r.err != nil {
			// A savepoint that could not be rolled back leaves the
			// transaction unable to commit: the commit then fails the
			// whole batch.
			continue
		}
		recorded[r.fingerprint] = true
	}
	return nil
}
