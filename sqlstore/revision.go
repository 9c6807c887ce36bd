package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
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
// The creation of an incident or a document is recorded compact
// (compactEntity): the row itself is the state it was created in until its
// first change, which writes that state into the creation revision first
// (materializeCreation). That of a timeline event is not recorded at all
// (its callers do not: it is derived from the row, see below).
func (tx *Tx) record(ctx context.Context, incidentID, entity, entityID string, version int, before, after any) error {
	compact := compactEntity(entity)
	if compact && before == nil {
		tx.pending = append(tx.pending, incidentID, entity, entityID, version, hindsight.ActorFromContext(ctx), ts(tx.now),
			compactFields, nil, nil)
		return nil
	}
	bm, am := toMap(before), toMap(after)
	if compact {
		if err := tx.materializeCreation(ctx, incidentID, entity, entityID, before, bm); err != nil {
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
//
// Derived creations. A timeline event, written by the hundred for a
// notification of many alerts, has no creation revision at all until it
// first changes: its row holds who created it and when (created_by,
// created_at, the revision's actor and time), and FindRevisions lists a
// creation for each event without a stored one (derivedCreations), whole,
// with the negative of the event's ID as its revision ID. The first change
// or the deletion stores it (materializeCreation), with its own ID from
// then on. History is ordered by time; within one instant (a
// transaction's) the revisions of timeline events come after the others,
// by event, each event's creation first, so that storing one moves
// nothing (revisionOrder).

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
// its creation revision if that is still compact, or stores the derived
// creation of a timeline event that has none: the change about to be
// recorded is the entity's first. bm is before's fields (toMap).
func (tx *Tx) materializeCreation(ctx context.Context, incidentID, entity, entityID string, before any, bm map[string]json.RawMessage) error {
	if err := tx.flushRevisions(ctx); err != nil { // the creation may be pending
		return err
	}
	fields, _, a := diffMaps(nil, bm)
	if e, ok := before.(*hindsight.TimelineEvent); ok {
		_, err := tx.exec(ctx, `INSERT INTO revisions (incident_id, entity, entity_id, version, actor, at, fields, before_json, after_json)
			SELECT ?, ?, ?, 0, ?, ?, ?, NULL, ? WHERE NOT EXISTS (SELECT 1 FROM revisions
				WHERE entity = ? AND entity_id = ? AND before_json IS NULL)`,
			incidentID, entity, entityID, e.CreatedBy, ts(e.CreatedAt), jsonText(fields), string(a), entity, entityID)
		if err != nil {
			return err
		}
	}
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
// read no longer shows the state created, and the table then has it. A
// derived creation (negative ID) is found by its event's ID.
func (tx *Tx) refillCreations(ctx context.Context, filled []*hindsight.Revision) error {
	if !tx.d.dollar || len(filled) == 0 {
		return nil // a SQLite transaction reads one snapshot
	}
	byID := make(map[int64]*hindsight.Revision, len(filled))
	byEvent := make(map[string]*hindsight.Revision)
	// Each IN list starts with a value that matches nothing, so that
	// neither is empty.
	ids, events := []any{int64(0)}, []any{""}
	for _, r := range filled {
		if r.ID < 0 {
			byEvent[r.EntityID] = r
			events = append(events, r.EntityID)
		} else {
			byID[r.ID] = r
			ids = append(ids, r.ID)
		}
	}
	rows, err := tx.query(ctx, "SELECT "+revisionCols+" FROM revisions WHERE after_json IS NOT NULL AND (id IN ("+placeholders(len(ids))+
		") OR (entity = "+sqlTimeline+" AND before_json IS NULL AND entity_id IN ("+placeholders(len(events))+")))", append(ids, events...)...)
	if err != nil {
		return err
	}
	stored, err := scanRevisions(rows)
	for _, s := range stored {
		r := byID[s.ID]
		if s.Entity == hindsight.EntityTimeline && s.Before == nil && byEvent[s.EntityID] != nil {
			r = byEvent[s.EntityID]
		}
		if r != nil {
			r.Fields, r.After = s.Fields, s.After
		}
	}
	return err
}

// revisionArgs is the number of values record notes per revision.
const revisionArgs = 9

// flushRevisions writes the revisions noted by record, in order, with one
// multi-row INSERT per maxBatchRows.
func (tx *Tx) flushRevisions(ctx context.Context) error {
	pending := tx.pending
	tx.pending = nil
	return tx.insertMany(ctx, `INSERT INTO revisions (incident_id, entity, entity_id, version, actor, at, fields, before_json, after_json)
		VALUES `, revisionArgs, pending)
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
	stored := "SELECT " + revisionCols + ", " + revisionOrder + " FROM revisions" + cond
	derived, dargs := derivedCreations(f)
	n, err := tx.count(ctx, "SELECT (SELECT COUNT(*) FROM revisions"+cond+") + (SELECT COUNT(*) FROM ("+derived+") d)",
		append(slices.Clip(args), dargs...)...)
	if err != nil {
		return nil, 0, err
	}
	p := f.Page.Normalize()
	rows, err := tx.query(ctx, "SELECT "+revisionCols+" FROM ("+stored+" UNION ALL "+derived+") u ORDER BY at, src, seq, sub LIMIT ? OFFSET ?",
		append(append(slices.Clip(args), dargs...), p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	revs, err := scanRevisions(rows)
	if err != nil {
		return nil, 0, err
	}
	return revs, n, tx.fillCreations(ctx, revs)
}

// sqlTimeline is the entity of timeline events as an SQL literal.
const sqlTimeline = "'" + hindsight.EntityTimeline + "'"

// revisionOrder are the sort columns of a stored revision (at, src, seq,
// sub): by time, then within one instant the revisions of timeline events
// (src 1) after the others (src 0, by ID), by event (seq), each event's in
// the order stored (sub), after its derived creation (sub 0, as
// derivedCreations lists it).
const revisionOrder = `CASE WHEN entity = ` + sqlTimeline + ` THEN 1 ELSE 0 END AS src,
	CASE WHEN entity = ` + sqlTimeline + ` THEN CAST(entity_id AS BIGINT) ELSE id END AS seq, id AS sub`

// derivedCreations returns the query of the creations of timeline events
// that f selects and that have no stored creation revision, in
// revisionCols and the sort columns of revisionOrder, with its arguments:
// compact creations whose ID is the negative of the event's.
func derivedCreations(f hindsight.RevisionFilter) (string, []any) {
	where := []string{`NOT EXISTS (SELECT 1 FROM revisions r
		WHERE r.entity = ` + sqlTimeline + ` AND r.entity_id = CAST(e.id AS TEXT) AND r.before_json IS NULL)`}
	var args []any
	if f.IncidentID != "" {
		where, args = append(where, "e.incident_id = ?"), append(args, f.IncidentID)
	}
	if f.Entity != "" && f.Entity != hindsight.EntityTimeline {
		where = append(where, "1 = 0")
	}
	if f.EntityID != "" {
		id, err := strconv.ParseInt(f.EntityID, 10, 64)
		if err != nil || strconv.FormatInt(id, 10) != f.EntityID {
			where = append(where, "1 = 0")
		} else {
			where, args = append(where, "e.id = ?"), append(args, id)
		}
	}
	return `SELECT -e.id AS id, e.incident_id AS incident_id, ` + sqlTimeline + ` AS entity, CAST(e.id AS TEXT) AS entity_id, 0 AS version,
		e.created_by AS actor, e.created_at AS at, '[]' AS fields, NULL AS before_json, NULL AS after_json, 1 AS src, e.id AS seq, 0 AS sub
		FROM timeline_events e` + whereClause(where), args
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
