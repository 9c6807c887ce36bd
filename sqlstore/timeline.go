package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

const eventCols = "incident_id, time, type, phase, event, actor, action, source, created_by, created_at"

func eventArgs(e *hindsight.TimelineEvent) []any {
	return []any{e.IncidentID, ts(e.Time), string(e.Type), string(e.Phase), e.Event, e.Actor, e.Action, e.Source, e.CreatedBy, ts(e.CreatedAt)}
}

func scanEvent(sc scanner) (*hindsight.TimelineEvent, error) {
	var e hindsight.TimelineEvent
	var at, created sql.NullInt64
	if err := sc.Scan(&e.ID, &e.IncidentID, &at, &e.Type, &e.Phase, &e.Event, &e.Actor, &e.Action, &e.Source, &e.CreatedBy, &created); err != nil {
		return nil, err
	}
	e.Time, e.CreatedAt = fromTS(at), fromTS(created)
	return &e, nil
}

// FindTimeline returns an incident's events ordered by time, then ID.
func (tx *Tx) FindTimeline(ctx context.Context, incidentID string) ([]*hindsight.TimelineEvent, error) {
	if _, err := tx.FindIncidentByID(ctx, incidentID); err != nil {
		return nil, err
	}
	return tx.findTimeline(ctx, incidentID)
}

func (tx *Tx) findTimeline(ctx context.Context, incidentID string) ([]*hindsight.TimelineEvent, error) {
	rows, err := tx.query(ctx, "SELECT id, "+eventCols+" FROM timeline_events WHERE incident_id = ? ORDER BY time, id", incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.TimelineEvent{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, tx.d.mapError(rows.Err())
}

func (tx *Tx) findEvent(ctx context.Context, id int64) (*hindsight.TimelineEvent, error) {
	e, err := scanEvent(tx.queryRow(ctx, "SELECT id, "+eventCols+" FROM timeline_events WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("timeline event", id)
	}
	return e, tx.d.mapError(err)
}

// AddTimelineEvent appends an event to an incident's timeline. Its creation
// is derived from its row (revision.go), not written.
func (tx *Tx) AddTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if err := tx.lockIncidentOnce(ctx, e.IncidentID); err != nil {
		return err
	}
	e.Time = normalize(e.Time)
	e.CreatedAt, e.CreatedBy = tx.now, hindsight.ActorFromContext(ctx)
	if err := tx.insertEvent(ctx, e); err != nil {
		return err
	}
	return tx.reindexLater(e.IncidentID)
}

// AddTimelineEvents appends events in order: per run of up to maxBatchRows,
// one multi-row INSERT, held when the transaction defers its writes. Their
// creations are derived from their rows (revision.go), not written.
func (tx *Tx) AddTimelineEvents(ctx context.Context, events []*hindsight.TimelineEvent) error {
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return err
		}
	}
	for _, e := range events {
		if err := tx.lockIncidentOnce(ctx, e.IncidentID); err != nil {
			return err
		}
	}
	if tx.deferWrites {
		// Held until a statement needs them (deferred.go): no IDs.
		if err := tx.addRows(ctx, heldEvents, tx.newEventArgs(ctx, events)); err != nil {
			return err
		}
	} else {
		for start := 0; start < len(events); start += maxBatchRows {
			if err := tx.insertEvents(ctx, events[start:min(start+maxBatchRows, len(events))]); err != nil {
				return err
			}
		}
	}
	for _, e := range events {
		_ = tx.reindexLater(e.IncidentID)
	}
	return nil
}

// insertEvents writes new events in one statement and sets their IDs. Both
// engines number the rows of one INSERT in the order of its VALUES list, so
// the returned IDs, sorted, are the events' in order.
func (tx *Tx) insertEvents(ctx context.Context, events []*hindsight.TimelineEvent) error {
	rows, err := tx.queryDrained(ctx, "INSERT INTO timeline_events ("+eventCols+") VALUES "+valuesRows(10, len(events))+" RETURNING id",
		tx.newEventArgs(ctx, events)...)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(events))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return tx.d.mapError(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tx.d.mapError(err)
	}
	if len(ids) != len(events) {
		return hindsight.Errorf(hindsight.EINTERNAL, "inserted %d timeline events, got %d IDs", len(events), len(ids))
	}
	slices.Sort(ids)
	for i, e := range events {
		e.ID = ids[i]
	}
	return nil
}

// newEventArgs stamps new events with the transaction's time and the
// context's actor and returns their values, eventArgs each.
func (tx *Tx) newEventArgs(ctx context.Context, events []*hindsight.TimelineEvent) []any {
	args := make([]any, 0, 10*len(events))
	for _, e := range events {
		e.Time = normalize(e.Time)
		e.CreatedAt, e.CreatedBy = tx.now, hindsight.ActorFromContext(ctx)
		args = append(args, eventArgs(e)...)
	}
	return args
}

// insertEvent writes an event as it is; a zero ID is assigned by the store.
func (tx *Tx) insertEvent(ctx context.Context, e *hindsight.TimelineEvent) error {
	if e.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO timeline_events (id, "+eventCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			append([]any{e.ID}, eventArgs(e)...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO timeline_events ("+eventCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		eventArgs(e)...).Scan(&e.ID)
	return tx.d.mapError(err)
}

// UpdateTimelineEvent replaces an event; it stays on its incident.
func (tx *Tx) UpdateTimelineEvent(ctx context.Context, e *hindsight.TimelineEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	before, err := tx.findEvent(ctx, e.ID)
	if err != nil {
		return err
	}
	if _, _, err := tx.lockIncident(ctx, before.IncidentID); err != nil {
		return err
	}
	if before, err = tx.findEvent(ctx, e.ID); err != nil { // as committed before the lock
		return err
	}
	e.IncidentID, e.CreatedAt, e.CreatedBy = before.IncidentID, before.CreatedAt, before.CreatedBy
	e.Time = normalize(e.Time)
	if _, err := tx.exec(ctx, `UPDATE timeline_events SET time = ?, type = ?, phase = ?, event = ?, actor = ?, action = ?, source = ?
		WHERE id = ?`, ts(e.Time), string(e.Type), string(e.Phase), e.Event, e.Actor, e.Action, e.Source, e.ID); err != nil {
		return err
	}
	if err := tx.record(ctx, e.IncidentID, hindsight.EntityTimeline, strconv.FormatInt(e.ID, 10), 0, before, e); err != nil {
		return err
	}
	return tx.reindexLater(e.IncidentID)
}

// DeleteTimelineEvent removes an event.
func (tx *Tx) DeleteTimelineEvent(ctx context.Context, id int64) error {
	before, err := tx.findEvent(ctx, id)
	if err != nil {
		return err
	}
	if _, _, err := tx.lockIncident(ctx, before.IncidentID); err != nil {
		return err
	}
	if before, err = tx.findEvent(ctx, id); err != nil { // as committed before the lock
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM timeline_events WHERE id = ?", id); err != nil {
		return err
	}
	if err := tx.record(ctx, before.IncidentID, hindsight.EntityTimeline, strconv.FormatInt(id, 10), 0, before, nil); err != nil {
		return err
	}
	return tx.reindexLater(before.IncidentID)
}
