package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// revisionCols are the columns of revisions, in the order scanRevision reads.
const revisionCols = "id, incident_id, entity, entity_id, version, actor, at, fields, before_json, after_json"

// record notes the revision of one change, by the context's actor at the
// transaction's time. before is nil for a creation, after for a deletion.
// Nothing is written when no field changed. The revision is encoded at once
// and written with the transaction's others by flushRevisions, in as few
// statements as possible, before the transaction commits or reads history.
//
// The creation of an incident, a document or a timeline event is recorded
// compact (compactEntity): the row itself is the state it was created in
// until its first change, which writes that state into the creation
// revision first (materializeCreation).
func (tx *Tx) record(ctx context.Context, incidentID, entity, entityID string, version int, before, after any) error {
	compact := compactEntity(entity)
	if compact && before == nil {
		tx.pending = append(tx.pending, incidentID, entity, entityID, version, hindsight.ActorFromContext(ctx), ts(tx.now),
			compactFields, nil, nil)
		return nil
	}
	bm, am := toMap(before), toMap(after)
	if compact {
		if err := tx.materializeCreation(ctx, entity, entityID, bm); err != nil {
			return err
		}
	}
	fields, b, a := diffMaps(bm, am)
	if len(fields) == 0 && before != nil && after != nil {
		return nil
	}
	if fields == nil {
		fields = []string{}
	}
	tx.pending = append(tx.pending, incidentID, entity, entityID, version, hindsight.ActorFromContext(ctx), ts(tx.now),
		jsonText(fields), nullText(b), nullText(a))
	return nil
}

// Compact creations. A creation revision holds a copy of what was created
// (its after_json), which for the entities the webhook intake creates by
// the thousand, a timeline event per alert and a draft document of 4 KB
// per incident, was a third of what a notification wrote and of the
// encoding its transaction did. Their creation revisions are written
// without the copy (fields "[]", before_json and after_json NULL): the
// entity's row holds it, since every change of the row records a revision,
// and the first change (or the deletion) writes the state it replaces into
// the creation revision before its own (materializeCreation). FindRevisions
// fills the creations still compact from the rows (fillCreations), so that
// readers see every creation whole. A backup carries them as stored, with
// the rows they stand for.

// compactFields is the fields column of a compact creation.
const compactFields = "[]"

// compactEntity reports whether entity's creations are recorded compact.
func compactEntity(entity string) bool {
	switch entity {
	case hindsight.EntityIncident, hindsight.EntityDocument, hindsight.EntityTimeline:
		return true
	}
	return false
}

// materializeCreation writes before, the state of entity as created, into
// its creation revision if that is still compact: the change about to be
// recorded is the entity's first. before is the entity's fields (toMap).
func (tx *Tx) materializeCreation(ctx context.Context, entity, entityID string, before map[string]json.RawMessage) error {
	if err := tx.flushRevisions(ctx); err != nil { // the creation may be pending
		return err
	}
	fields, _, a := diffMaps(nil, before)
	_, err := tx.exec(ctx, `UPDATE revisions SET fields = ?, after_json = ?
		WHERE entity = ? AND entity_id = ? AND before_json IS NULL AND after_json IS NULL`,
		jsonText(fields), string(a), entity, entityID)
	return err
}

// fillCreations gives the compact creations among revs their fields and
// after state from the entities' rows, as record would have written them.
// A creation whose row is gone (it cannot be: a deletion materializes it)
// stays without.
func (tx *Tx) fillCreations(ctx context.Context, revs []*hindsight.Revision) error {
	var compact []*hindsight.Revision
	var eventIDs []any
	for _, r := range revs {
		if r.Before != nil || r.After != nil || !compactEntity(r.Entity) {
			continue
		}
		compact = append(compact, r)
		if r.Entity == hindsight.EntityTimeline {
			if id, err := strconv.ParseInt(r.EntityID, 10, 64); err == nil {
				eventIDs = append(eventIDs, id)
			}
		}
	}
	if len(compact) == 0 {
		return nil
	}
	events, err := tx.eventsByID(ctx, eventIDs)
	if err != nil {
		return err
	}
	filled := compact[:0]
	for _, r := range compact {
		var v any
		var err error
		switch r.Entity {
		case hindsight.EntityIncident:
			v, err = tx.FindIncidentByID(ctx, r.EntityID)
		case hindsight.EntityDocument:
			v, err = tx.FindDocument(ctx, r.EntityID)
		case hindsight.EntityTimeline:
			e, ok := events[r.EntityID]
			if !ok {
				continue
			}
			v = e
		}
		if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		fields, _, a := diff(nil, v)
		r.Fields, r.After = fields, a
		filled = append(filled, r)
	}
	return tx.refillCreations(ctx, filled)
}

// eventsByID reads the timeline events of ids (a page's: one statement
// holds them), by ID as text.
func (tx *Tx) eventsByID(ctx context.Context, ids []any) (map[string]*hindsight.TimelineEvent, error) {
	out := make(map[string]*hindsight.TimelineEvent, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.query(ctx, "SELECT id, "+eventCols+" FROM timeline_events WHERE id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, err
	}
	return out, eachRow(tx, rows, func(sc scanner) error {
		e, err := scanEvent(sc)
		if err == nil {
			out[strconv.FormatInt(e.ID, 10)] = e
		}
		return err
	})
}

// refillCreations reads again, from the table, the creations among filled
// that an entity's first change has materialized since they were read. On
// PostgreSQL (READ COMMITTED) each statement sees its own snapshot: such a
// change, committed between the read of the revisions and that of the
// rows, changes the row and materializes its creation together, so the row
// read no longer shows the state created, and the table then has it.
func (tx *Tx) refillCreations(ctx context.Context, filled []*hindsight.Revision) error {
	if !tx.d.dollar || len(filled) == 0 {
		return nil // a SQLite transaction reads one snapshot
	}
	byID := make(map[int64]*hindsight.Revision, len(filled))
	ids := make([]any, 0, len(filled))
	for _, r := range filled {
		byID[r.ID] = r
		ids = append(ids, r.ID)
	}
	rows, err := tx.query(ctx, "SELECT "+revisionCols+" FROM revisions WHERE after_json IS NOT NULL AND id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return err
	}
	stored, err := scanRevisions(rows)
	for _, s := range stored {
		r := byID[s.ID]
		r.Fields, r.After = s.Fields, s.After
	}
	return err
}

// revisionArgs is the number of values record notes per revision.
const revisionArgs = 9

// flushRevisions writes the revisions noted by record, in order, with one
// multi-row INSERT per maxBatchRows.
func (tx *Tx) flushRevisions(ctx context.Context) error {
	for len(tx.pending) > 0 {
		n := min(len(tx.pending)/revisionArgs, maxBatchRows)
		if _, err := tx.exec(ctx, `INSERT INTO revisions (incident_id, entity, entity_id, version, actor, at, fields, before_json, after_json)
		VALUES `+valuesRows(revisionArgs, n), tx.pending[:n*revisionArgs]...); err != nil {
			return err
		}
		tx.pending = tx.pending[n*revisionArgs:]
	}
	tx.pending = nil
	return nil
}

// revision is one change for recordAll, as record takes it.
type revision struct {
	incidentID, entity, entityID string
	version                      int
	before, after                any
}

// recordAll records the revisions of several changes, as record does.
func (tx *Tx) recordAll(ctx context.Context, revs []revision) error {
	for _, r := range revs {
		if err := tx.record(ctx, r.incidentID, r.entity, r.entityID, r.version, r.before, r.after); err != nil {
			return err
		}
	}
	return nil
}

// staleError is the ECONFLICT error for an update based on expected while
// the record is at current: it names who changed what since, from history.
func (tx *Tx) staleError(ctx context.Context, what, entity, entityID string, expected, current int) error {
	if err := tx.flushRevisions(ctx); err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT actor, at, fields FROM revisions
		WHERE entity = ? AND entity_id = ? AND version > ? ORDER BY id`, entity, entityID, expected)
	if err != nil {
		return err
	}
	defer rows.Close()
	var changes []string
	for rows.Next() {
		var actor, fields string
		var at sql.NullInt64
		if err := rows.Scan(&actor, &at, &fields); err != nil {
			return err
		}
		var names []string
		_ = fromJSON(fields, &names)
		changes = append(changes, fmt.Sprintf("%s changed %s at %s",
			actor, strings.Join(names, ", "), fromTS(at).Format("2006-01-02 15:04:05Z")))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	msg := fmt.Sprintf("%s %s was changed since version %d (now version %d)", what, entityID, expected, current)
	if len(changes) > 0 {
		msg += ": " + strings.Join(changes, "; ")
	}
	return &hindsight.Error{Code: hindsight.ECONFLICT, Message: msg + "; reload it and apply your change again"}
}

// FindRevisions returns one page of revisions, oldest first, and the total.
func (tx *Tx) FindRevisions(ctx context.Context, f hindsight.RevisionFilter) ([]*hindsight.Revision, int, error) {
	if err := tx.flushRevisions(ctx); err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.IncidentID != "" {
		where, args = append(where, "incident_id = ?"), append(args, f.IncidentID)
	}
	if f.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, f.Entity)
	}
	if f.EntityID != "" {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	cond := whereClause(where)
	n, err := tx.count(ctx, "SELECT COUNT(*) FROM revisions"+cond, args...)
	if err != nil {
		return nil, 0, err
	}
	p := f.Page.Normalize()
	rows, err := tx.query(ctx, "SELECT "+revisionCols+" FROM revisions"+cond+" ORDER BY id LIMIT ? OFFSET ?",
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	revs, err := scanRevisions(rows)
	if err != nil {
		return nil, 0, err
	}
	return revs, n, tx.fillCreations(ctx, revs)
}

func scanRevisions(rows *sql.Rows) ([]*hindsight.Revision, error) {
	defer rows.Close()
	var out []*hindsight.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r.(*hindsight.Revision))
	}
	return out, rows.Err()
}

// whereClause joins conditions with AND, or returns "" for none.
func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
