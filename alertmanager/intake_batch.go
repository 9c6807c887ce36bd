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
	now time.Time
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
	err := in.applyInTx(ctx, live, true)
	if err != nil && len(live) > 1 && hindsight.ErrorCode(err) != hindsight.EUNAVAILABLE && ctx.Err() == nil {
		// A row held for the commit that the store refused fails the
		// whole transaction: applied again with every write made at once,
		// the notification it belongs to fails alone, in its savepoint.
		slog.Warn("alertmanager: intake batch failed; applying it again without deferred writes",
			"notifications", len(live), "err", err)
		err = in.applyInTx(ctx, live, false)
	}
	for _, r := range live {
		answer(r, err, len(live) == 1)
		close(r.done)
	}
}

// applyInTx applies the batch in one store transaction. A panic anywhere in
// it (the store rolls its transaction back on the way out) becomes the
// batch's error. With deferWrites, the new incidents' rows and the
// timeline events are written with one statement per table
// (hindsight.WriteDeferrer), most of them at the commit.
func (in *Intake) applyInTx(ctx context.Context, batch []*request, deferWrites bool) (err error) {
	defer recoverBatch(&err, len(batch))
	return in.Store.WithTx(ctx, func(tx hindsight.Services) error {
		// Indexing is left to after the commit, from a queue written in
		// this transaction: off the path the webhooks' answers wait for.
		tx.DeferIndex()
		if deferWrites {
			tx.DeferWrites()
		}
		return in.applyBatch(ctx, tx, batch)
	})
}

// recoverBatch turns a panic while a batch is applied into the batch's
// error, logged with its stack: the transaction rolls back, every request
// of the batch is answered 500 (Alertmanager retries), and the process and
// the other batches go on. It must be deferred directly.
func recoverBatch(err *error, n int) {
	p := recover()
	if p == nil {
		return
	}
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
// each other without deadlocking), then applies every notification in tx.
// A lone notification is applied directly: its failure rolls back the
// transaction, which holds nothing else. Several are applied each in a
// savepoint.
func (in *Intake) applyBatch(ctx context.Context, tx hindsight.Services, batch []*request) error {
	for _, r := range batch {
		r.res, r.err = Result{}, nil
	}
	keys := make([]string, len(batch))
	for i, r := range batch {
		keys[i] = r.msg.GroupKey
	}
	if err := tx.LockAlertGroups(ctx, keys...); err != nil {
		return err
	}
	if len(batch) == 1 {
		r := batch[0]
		r.newGroup = false
		r.err = in.apply(ctx, tx, r)
		return r.err
	}
	// One statement says which groups have an incident: the first
	// notification of each other group need not look its group up.
	with, err := tx.AlertGroupsWithIncidents(ctx, keys...)
	if err != nil {
		return err
	}
	for _, r := range batch {
		r.newGroup = !with[r.msg.GroupKey]
		with[r.msg.GroupKey] = true
	}
	for _, r := range batch {
		r.err = tx.Savepoint(ctx, func(tx hindsight.Services) error {
			return in.apply(ctx, tx, r)
		})
	}
	// A savepoint that could not be rolled back leaves the transaction
	// unable to commit: the commit then fails the whole batch.
	return nil
}
