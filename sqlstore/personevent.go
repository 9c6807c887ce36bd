package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var (
	_ hindsight.PersonEventService       = (*Store)(nil)
	_ hindsight.PersonEventService       = (*Tx)(nil)
	_ hindsight.NotificationPrefsService = (*Store)(nil)
)

// personEventCols are the columns of a person event, its ID first.
const personEventCols = "id, kind, recipient, incident_id, title, lines, path, actor, created_at"

// QueuePersonEvent stores an event for the scheduler to deliver.
func (tx *Tx) QueuePersonEvent(ctx context.Context, e *hindsight.PersonEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Lines == nil {
		e.Lines = []string{}
	}
	if e.Actor == "" {
		e.Actor = hindsight.ActorFromContext(ctx)
	}
	e.ID, e.CreatedAt = 0, tx.now
	return tx.insertPersonEvent(ctx, e)
}

// insertPersonEvent writes e as it is; an ID of 0 takes the next one.
func (tx *Tx) insertPersonEvent(ctx context.Context, e *hindsight.PersonEvent) error {
	args := []any{string(e.Kind), e.Recipient, e.IncidentID, e.Title, jsonText(e.Lines), e.Path, e.Actor, ts(e.CreatedAt)}
	const cols = "kind, recipient, incident_id, title, lines, path, actor, created_at"
	const marks = "?, ?, ?, ?, ?, ?, ?, ?"
	if e.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO person_events (id, "+cols+") VALUES (?, "+marks+")", append([]any{e.ID}, args...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO person_events ("+cols+") VALUES ("+marks+") RETURNING id", args...).Scan(&e.ID)
	return tx.d.mapError(err)
}

// FindPersonEvents returns the events queued at or after since.
func (tx *Tx) FindPersonEvents(ctx context.Context, since time.Time, limit int) ([]*hindsight.PersonEvent, error) {
	if limit <= 0 {
		limit = hindsight.DefaultPageLimit
	}
	var from int64 // the zero time lists every event
	if !since.IsZero() {
		from = normalize(since).UnixMicro()
	}
	rows, err := tx.query(ctx, "SELECT "+personEventCols+" FROM person_events WHERE created_at >= ? ORDER BY id LIMIT ?", from, limit)
	if err != nil {
		return nil, err
	}
	out := []*hindsight.PersonEvent{}
	err = eachRow(tx, rows, func(sc scanner) error {
		e, err := scanPersonEvent(sc)
		if err == nil {
			out = append(out, e)
		}
		return err
	})
	return out, err
}

// PrunePersonEvents deletes the events queued before cutoff.
func (tx *Tx) PrunePersonEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	return tx.execCount(ctx, "DELETE FROM person_events WHERE created_at < ?", ts(normalize(cutoff)))
}

func scanPersonEvent(sc scanner) (*hindsight.PersonEvent, error) {
	var e hindsight.PersonEvent
	var created sql.NullInt64
	var lines string
	if err := sc.Scan(&e.ID, &e.Kind, &e.Recipient, &e.IncidentID, &e.Title, &lines, &e.Path, &e.Actor, &created); err != nil {
		return nil, err
	}
	e.CreatedAt = fromTS(created)
	return &e, fromJSON(lines, &e.Lines)
}

// FindNotificationPrefs returns a person's preferences, or the defaults.
func (tx *Tx) FindNotificationPrefs(ctx context.Context, handle string) (hindsight.NotificationPrefs, error) {
	p, err := scanPrefs(tx.queryRow(ctx, "SELECT handle, email, slack_dm, updated_at FROM notification_prefs WHERE handle = ?",
		hindsight.PersonKey(handle)))
	if errors.Is(err, sql.ErrNoRows) {
		return hindsight.DefaultNotificationPrefs(hindsight.PersonKey(handle)), nil
	}
	if err != nil {
		return hindsight.NotificationPrefs{}, tx.d.mapError(err)
	}
	return *p, nil
}

// SaveNotificationPrefs stores a person's preferences under their handle's
// PersonKey.
func (tx *Tx) SaveNotificationPrefs(ctx context.Context, p *hindsight.NotificationPrefs) error {
	key := hindsight.PersonKey(p.Handle)
	var v hindsight.Validation
	if key == "" {
		v.Add("handle", "is required")
	}
	v.CheckText("handle", key, hindsight.MaxNameBytes)
	if err := v.Err("notification preferences"); err != nil {
		return err
	}
	p.Handle, p.UpdatedAt = key, tx.now
	_, err := tx.exec(ctx, `INSERT INTO notification_prefs (handle, email, slack_dm, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (handle) DO UPDATE SET email = EXCLUDED.email, slack_dm = EXCLUDED.slack_dm, updated_at = EXCLUDED.updated_at`,
		key, p.Email, p.SlackDM, ts(p.UpdatedAt))
	return err
}

func scanPrefs(sc scanner) (*hindsight.NotificationPrefs, error) {
	var p hindsight.NotificationPrefs
	var at sql.NullInt64
	if err := sc.Scan(&p.Handle, &p.Email, &p.SlackDM, &at); err != nil {
		return nil, err
	}
	p.UpdatedAt = fromTS(at)
	return &p, nil
}

// QueuePersonEvent stores an event for the scheduler to deliver.
func (s *Store) QueuePersonEvent(ctx context.Context, e *hindsight.PersonEvent) error {
	return s.update(ctx, func(tx *Tx) error { return tx.QueuePersonEvent(ctx, e) })
}

// FindPersonEvents returns the events queued at or after since.
func (s *Store) FindPersonEvents(ctx context.Context, since time.Time, limit int) (out []*hindsight.PersonEvent, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindPersonEvents(ctx, since, limit); return err })
	return out, err
}

// PrunePersonEvents deletes the events queued before cutoff.
func (s *Store) PrunePersonEvents(ctx context.Context, cutoff time.Time) (n int64, err error) {
	err = s.update(ctx, func(tx *Tx) error { n, err = tx.PrunePersonEvents(ctx, cutoff); return err })
	return n, err
}

// FindNotificationPrefs returns a person's preferences, or the defaults.
func (s *Store) FindNotificationPrefs(ctx context.Context, handle string) (p hindsight.NotificationPrefs, err error) {
	err = s.view(ctx, func(tx *Tx) error { p, err = tx.FindNotificationPrefs(ctx, handle); return err })
	return p, err
}

// SaveNotificationPrefs stores a person's preferences.
func (s *Store) SaveNotificationPrefs(ctx context.Context, p *hindsight.NotificationPrefs) error {
	return s.update(ctx, func(tx *Tx) error { return tx.SaveNotificationPrefs(ctx, p) })
}
