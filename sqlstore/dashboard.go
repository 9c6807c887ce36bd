package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var _ hindsight.FactsService = (*Store)(nil)

// FindIncidentFacts returns the facts of the incidents that started in
// [from, to), in one snapshot of three range scans: incidents by start
// time, the first response-time events by (type, time), and action item
// counts per incident.
func (s *Store) FindIncidentFacts(ctx context.Context, from, to time.Time, eventSlack time.Duration) (out []*hindsight.IncidentFacts, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		byID := map[string]*hindsight.IncidentFacts{}
		if out, err = tx.incidentFacts(ctx, from, to, byID); err != nil {
			return err
		}
		if err := tx.firstEvents(ctx, from, to.Add(eventSlack), byID); err != nil {
			return err
		}
		return tx.actionCounts(ctx, from, to, byID)
	})
	return out, err
}

func (tx *Tx) incidentFacts(ctx context.Context, from, to time.Time, byID map[string]*hindsight.IncidentFacts) ([]*hindsight.IncidentFacts, error) {
	rows, err := tx.query(ctx, "SELECT id, alert_name, title, severity, started_at, resolved_at FROM incidents WHERE started_at >= ? AND started_at < ? ORDER BY started_at",
		from.UnixMicro(), to.UnixMicro())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*hindsight.IncidentFacts
	for rows.Next() {
		var f hindsight.IncidentFacts
		var sev string
		var started, resolved sql.NullInt64
		if err := rows.Scan(&f.ID, &f.AlertName, &f.Title, &sev, &started, &resolved); err != nil {
			return nil, tx.d.mapError(err)
		}
		f.Severity, f.StartedAt, f.ResolvedAt = hindsight.Severity(sev), fromTS(started), fromTSPtr(resolved)
		f.First = map[hindsight.EventType]time.Time{}
		byID[f.ID] = &f
		out = append(out, &f)
	}
	return out, tx.d.mapError(rows.Err())
}

func (tx *Tx) firstEvents(ctx context.Context, from, to time.Time, byID map[string]*hindsight.IncidentFacts) error {
	types := make([]string, len(hindsight.DashboardEventTypes))
	args := []any{}
	for i, t := range hindsight.DashboardEventTypes {
		types[i] = "?"
		args = append(args, string(t))
	}
	args = append(args, from.UnixMicro(), to.UnixMicro())
	rows, err := tx.query(ctx, "SELECT incident_id, type, time FROM timeline_events WHERE type IN ("+strings.Join(types, ", ")+") AND time >= ? AND time < ?", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, typ string
		var at int64
		if err := rows.Scan(&id, &typ, &at); err != nil {
			return tx.d.mapError(err)
		}
		f, ok := byID[id]
		if !ok {
			continue
		}
		t := time.UnixMicro(at).UTC()
		if cur, seen := f.First[hindsight.EventType(typ)]; !seen || t.Before(cur) {
			f.First[hindsight.EventType(typ)] = t
		}
	}
	return tx.d.mapError(rows.Err())
}

func (tx *Tx) actionCounts(ctx context.Context, from, to time.Time, byID map[string]*hindsight.IncidentFacts) error {
	rows, err := tx.query(ctx, `SELECT a.incident_id, a.status FROM incidents i JOIN action_items a ON a.incident_id = i.id
		WHERE i.started_at >= ? AND i.started_at < ?`, from.UnixMicro(), to.UnixMicro())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			return tx.d.mapError(err)
		}
		f, ok := byID[id]
		if !ok || hindsight.ActionStatus(status) == hindsight.ActionWontDo {
			continue
		}
		f.Actions++
		if hindsight.ActionStatus(status) == hindsight.ActionDone {
			f.ActionsDone++
		}
	}
	return tx.d.mapError(rows.Err())
}
