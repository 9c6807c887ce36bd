package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Deferred search indexing. A transaction that calls DeferIndex does not
// rebuild the search documents of the incidents it changed before it
// commits: it writes their IDs into search_queue, in the same transaction,
// and the store rebuilds them after the commit (IndexQueued), in batches.
// The webhook intake defers: rebuilding a new incident's document (FTS5 or
// tsvector) was a third of the single committer's time on SQLite and three
// of its fourteen statements on PostgreSQL.
//
// Each queue row is consumed exactly once: the transaction that rebuilds a
// document deletes its row, so the rebuild and the deletion commit together
// or not at all (a crash, kill -9 included, leaves the row for the next
// pass), and on PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so
// two instances never take the same row. The claim also locks the
// incident's row (skipping it while a writer holds it): a writer of the
// incident either committed before the rebuild reads it, or waits for the
// rebuild and queues the incident again.

// indexBatch is how many incidents one IndexQueued transaction rebuilds: on
// SQLite the transaction holds the single writer, so webhooks wait at most
// this many rebuilds.
const indexBatch = 32

// indexYield is how long the background rebuild lets other writers go
// first: it starts a batch when no other write transaction is running or
// waiting, or after this long, so that under a burst of webhooks it takes
// a small share of the writer and catches up once the burst is over.
const indexYield = 200 * time.Millisecond

var _ hindsight.IndexDeferrer = (*Tx)(nil)

// DeferIndex makes the transaction queue the search documents it makes
// stale instead of rebuilding them before it commits; the store rebuilds
// them shortly after the commit. Until then Search does not see the
// transaction's changes.
func (tx *Tx) DeferIndex() { tx.deferIndex = true }

// queueDirty writes the incidents marked stale into search_queue, in one
// statement per maxBatchRows, and clears the marks. It reports whether it
// queued any.
func (tx *Tx) queueDirty(ctx context.Context) (bool, error) {
	if len(tx.dirty) == 0 {
		return false, nil
	}
	ids := slices.Sorted(maps.Keys(tx.dirty))
	at := ts(tx.now)
	for len(ids) > 0 {
		n := min(len(ids), maxBatchRows)
		args := make([]any, 0, 2*n)
		for _, id := range ids[:n] {
			args = append(args, id, at)
		}
		if _, err := tx.exec(ctx, "INSERT INTO search_queue (incident_id, queued_at) VALUES "+valuesRows(2, n)+
			" ON CONFLICT (incident_id) DO NOTHING", args...); err != nil {
			return false, err
		}
		ids = ids[n:]
	}
	tx.dirty = nil
	return true, nil
}

// IndexQueued rebuilds the search documents of up to limit queued
// incidents, in ID order (the primary key's: IDs begin with the start
// time, so roughly oldest first), in one transaction, and removes them from the
// queue. It returns how many it rebuilt; fewer than limit (0 included)
// means the queue held no more that it could take (on PostgreSQL, rows
// claimed by another instance, or whose incident a writer holds, are left
// for later). Errors: EUNAVAILABLE, EINTERNAL.
func (s *Store) IndexQueued(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = indexBatch
	}
	var n int
	err := s.update(ctx, func(tx *Tx) error {
		claim := "SELECT q.incident_id FROM search_queue q JOIN incidents i ON i.id = q.incident_id " +
			"ORDER BY q.incident_id LIMIT ?" + tx.d.skipLocked
		ids, err := tx.queryStrings(ctx, claim, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		docs, err := tx.searchDocsOf(ctx, ids)
		if err != nil {
			return err
		}
		if err := tx.putSearchDocs(ctx, docs); err != nil {
			return err
		}
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		if _, err := tx.exec(ctx, "DELETE FROM search_queue WHERE incident_id IN ("+placeholders(len(ids))+")", args...); err != nil {
			return err
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// searchDocsOf builds the search documents of several incidents, as
// searchDocOf does, in two queries: the incidents with their narratives,
// then their records.
func (tx *Tx) searchDocsOf(ctx context.Context, ids []string) ([]searchDoc, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := "IN (" + placeholders(len(ids)) + ")"
	docs, err := tx.incidentTexts(ctx, in, args)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT incident_id, event, action FROM timeline_events WHERE incident_id "+in+
		" UNION ALL SELECT incident_id, title, verification FROM action_items WHERE incident_id "+in, append(args, args...)...)
	if err != nil {
		return nil, err
	}
	if err := eachRow(tx, rows, func(sc scanner) error {
		var id, a, c string
		if err := sc.Scan(&id, &a, &c); err != nil {
			return err
		}
		if d := docs[id]; d != nil {
			d.records.add(&d.body, a, c)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]searchDoc, 0, len(docs))
	for _, d := range docs {
		out = append(out, searchDoc{seq: d.seq, title: d.title, body: d.body.String()})
	}
	return out, nil
}

// partialDoc is a search document being built.
type partialDoc struct {
	seq     int64
	title   string
	body    strings.Builder
	records recordLines
}

// incidentTexts starts the documents of the incidents whose IDs are args
// (the condition in): each incident's own text and its narrative's.
func (tx *Tx) incidentTexts(ctx context.Context, in string, args []any) (map[string]*partialDoc, error) {
	rows, err := tx.query(ctx, strings.TrimSuffix(reindexSelect, "= ?")+in, args...)
	if err != nil {
		return nil, err
	}
	docs := make(map[string]*partialDoc, len(args))
	// Drafts of new incidents share one narrative (the template's
	// placeholders): decode each distinct narrative once.
	narratives := map[string]string{}
	err = eachRow(tx, rows, func(sc scanner) error {
		d := &partialDoc{}
		var narrative sql.NullString
		inc, err := scanIncidentAnd(sc, &d.seq, &narrative)
		if err != nil {
			return err
		}
		d.title = inc.Title
		writeIncidentText(&d.body, inc)
		if narrative.Valid {
			text, seen := narratives[narrative.String]
			if !seen {
				var n hindsight.Narrative
				if err := fromJSON(narrative.String, &n); err != nil {
					return err
				}
				var b strings.Builder
				writeNarrativeText(&b, &n)
				text = b.String()
				narratives[narrative.String] = text
			}
			d.body.WriteString(text)
		}
		docs[inc.ID] = d
		return nil
	})
	return docs, err
}

// putSearchDocs replaces the search documents of several incidents in two
// statements. On SQLite the old documents are deleted first and the new
// ones inserted in rowid order: FTS5 flushes its pending index to a new
// segment whenever a rowid does not follow the last one written (a
// document deleted and inserted again is such a case), so rebuilding one
// document after the other wrote one segment each, and merging them was
// half the cost of indexing.
func (tx *Tx) putSearchDocs(ctx context.Context, docs []searchDoc) error {
	if len(docs) == 0 {
		return nil
	}
	slices.SortFunc(docs, func(a, b searchDoc) int { return cmp.Compare(a.seq, b.seq) })
	args := make([]any, 0, 3*len(docs))
	for _, d := range docs {
		args = append(args, d.seq, clean(d.title), clean(truncateUTF8(d.body, maxSearchBody)))
	}
	if tx.d.dollar {
		_, err := tx.exec(ctx, "INSERT INTO search_docs (incident_seq, title, body) VALUES "+valuesRows(3, len(docs))+
			" ON CONFLICT (incident_seq) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body", args...)
		return err
	}
	seqs := make([]any, len(docs))
	for i, d := range docs {
		seqs[i] = d.seq
	}
	if _, err := tx.exec(ctx, "DELETE FROM search_docs WHERE rowid IN ("+placeholders(len(seqs))+")", seqs...); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO search_docs (rowid, title, body) VALUES "+valuesRows(3, len(docs)), args...)
	return err
}

// IndexQueueLength returns how many incidents wait in the queue for their
// search document, and when the oldest was queued (zero when none).
func (s *Store) IndexQueueLength(ctx context.Context) (n int, oldest time.Time, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		var at sql.NullInt64
		if err := tx.queryRow(ctx, "SELECT COUNT(*), MIN(queued_at) FROM search_queue").Scan(&n, &at); err != nil {
			return tx.d.mapError(err)
		}
		oldest = fromTS(at)
		return nil
	})
	return n, oldest, err
}

// indexer runs IndexQueued in the background while the queue has work:
// started by a commit that queued incidents (or by KickIndex), it stops
// once a pass finds less than a batch and no commit asked again.
type indexer struct {
	mu      sync.Mutex
	running bool
	again   bool
	closed  bool
	// held stops kicks from starting a pass (tests, export_test.go).
	held   bool
	ctx    context.Context
	cancel context.CancelFunc
	done   sync.WaitGroup
	// onError receives the error of a failed pass; the queue keeps the
	// rows, and the next kick retries them.
	onError func(error)
}

// KickIndex starts rebuilding queued search documents in the background,
// if that is not already running. The store does it itself after a commit
// that queued some; a server calls it at start and now and then, for rows
// left by a process that died before rebuilding them (or by another
// instance that did).
func (s *Store) KickIndex() {
	ix := &s.indexer
	ix.mu.Lock()
	defer ix.mu.Unlock()
	switch {
	case ix.closed || ix.held:
		return
	case ix.running:
		ix.again = true
		return
	}
	if ix.ctx == nil {
		ix.ctx, ix.cancel = context.WithCancel(hindsight.NewContextWithActor(context.Background(), "system"))
	}
	ix.running, ix.again = true, false
	ix.done.Add(1)
	go s.indexLoop()
}

// OnIndexError sets the function that receives the errors of background
// index passes (nil: they are dropped; the rows stay queued either way).
func (s *Store) OnIndexError(fn func(error)) {
	s.indexer.mu.Lock()
	s.indexer.onError = fn
	s.indexer.mu.Unlock()
}

func (s *Store) indexLoop() {
	ix := &s.indexer
	defer ix.done.Done()
	for {
		s.yieldToWriters(ix.ctx)
		n, err := s.IndexQueued(ix.ctx, indexBatch)
		ix.mu.Lock()
		if err != nil && ix.onError != nil && ix.ctx.Err() == nil {
			ix.onError(err)
		}
		if err != nil || (n < indexBatch && !ix.again) || ix.closed {
			ix.running = false
			ix.mu.Unlock()
			return
		}
		ix.again = false
		ix.mu.Unlock()
	}
}

// yieldToWriters waits, for at most indexYield, until no other write
// transaction runs or waits.
func (s *Store) yieldToWriters(ctx context.Context) {
	for deadline := time.Now().Add(indexYield); s.writers.Load() > 0 && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// closeIndexer stops the background rebuild and waits for it: rows it did
// not reach stay queued for the next start.
func (s *Store) closeIndexer() {
	ix := &s.indexer
	ix.mu.Lock()
	ix.closed = true
	if ix.cancel != nil {
		ix.cancel()
	}
	ix.mu.Unlock()
	ix.done.Wait()
}
