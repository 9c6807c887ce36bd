package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
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
func (tx *Tx) record(ctx context.Context, incidentID, entity, entityID string, version int, before, after any) error {
	fields, b, a := diff(before, after)
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
	return revs, n, err
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
