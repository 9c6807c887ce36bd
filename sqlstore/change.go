package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

var (
	_ hindsight.ChangeService = (*Store)(nil)
	_ hindsight.ChangeService = (*Tx)(nil)
)

// DefaultChangesWindow is how long before an incident's impact start
// FindPostmortem lists changes, unless Store.ChangesWindow says otherwise.
const DefaultChangesWindow = 6 * time.Hour

// changeCols are the columns of the changes table, in scan order.
const changeCols = "id, service, kind, title, url, author, at, created_by, created_at"

// CreateChange validates and stores a reported change.
func (tx *Tx) CreateChange(ctx context.Context, c *hindsight.Change) error {
	if err := c.Validate(tx.now); err != nil {
		return err
	}
	c.At, c.CreatedAt = normalize(c.At), tx.now
	if c.CreatedBy == "" {
		c.CreatedBy = hindsight.ActorFromContext(ctx)
	}
	return tx.insertChange(ctx, c)
}

// insertChange writes c as it is; an ID of 0 takes the next one.
func (tx *Tx) insertChange(ctx context.Context, c *hindsight.Change) error {
	args := []any{c.Service, string(c.Kind), c.Title, c.URL, c.Author, ts(c.At), c.CreatedBy, ts(c.CreatedAt)}
	if c.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO changes ("+changeCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", append([]any{c.ID}, args...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO changes ("+strings.TrimPrefix(changeCols, "id, ")+
		") VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", args...).Scan(&c.ID)
	return tx.d.mapError(err)
}

// FindChanges returns the changes f selects, latest first.
func (tx *Tx) FindChanges(ctx context.Context, f hindsight.ChangeFilter) ([]*hindsight.Change, error) {
	var where []string
	var args []any
	if len(f.Services) > 0 {
		marks := make([]string, len(f.Services))
		for i, s := range f.Services {
			marks[i] = "?"
			args = append(args, s)
		}
		where = append(where, "service IN ("+strings.Join(marks, ", ")+")")
	}
	for _, c := range []struct {
		cond string
		t    time.Time
	}{{"at >= ?", f.From}, {"at <= ?", f.To}, {"created_at <= ?", f.ReportedBefore}} {
		if !c.t.IsZero() {
			where = append(where, c.cond)
			args = append(args, ts(c.t))
		}
	}
	q := "SELECT " + changeCols + " FROM changes"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > hindsight.MaxPageLimit {
		limit = hindsight.DefaultPageLimit
	}
	rows, err := tx.query(ctx, q+" ORDER BY at DESC, id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.Change{}
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, tx.d.mapError(err)
		}
		out = append(out, c)
	}
	return out, tx.d.mapError(rows.Err())
}

func scanChange(sc scanner) (*hindsight.Change, error) {
	var c hindsight.Change
	var kind string
	var at, created sql.NullInt64
	if err := sc.Scan(&c.ID, &c.Service, &kind, &c.Title, &c.URL, &c.Author, &at, &c.CreatedBy, &created); err != nil {
		return nil, err
	}
	c.Kind, c.At, c.CreatedAt = hindsight.ChangeKind(kind), fromTS(at), fromTS(created)
	return &c, nil
}

// changesBefore returns the changes to pm's services in the window before
// its impact start (the measured one, else the incident's start). An
// approved or archived document lists only the changes reported by the
// time it last changed, so that a change reported later does not alter
// the record.
func (tx *Tx) changesBefore(ctx context.Context, pm *hindsight.Postmortem) ([]hindsight.Change, error) {
	if len(pm.Incident.Services) == 0 {
		return nil, nil
	}
	start := pm.Incident.StartedAt
	if pm.Impact != nil {
		start, _ = pm.Impact.ImpactWindow()
		if start.IsZero() {
			start = pm.Incident.StartedAt
		}
	}
	window := tx.s.ChangesWindow
	if window <= 0 {
		window = DefaultChangesWindow
	}
	f := hindsight.ChangeFilter{Services: pm.Incident.Services, From: start.Add(-window), To: start}
	if st := pm.Document.Status; st == hindsight.DocApproved || st == hindsight.DocArchived {
		f.ReportedBefore = pm.Document.UpdatedAt
	}
	found, err := tx.FindChanges(ctx, f)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return derefAll(found), nil
}

// CreateChange validates and stores a reported change.
func (s *Store) CreateChange(ctx context.Context, c *hindsight.Change) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateChange(ctx, c) })
}

// FindChanges returns the changes f selects, latest first.
func (s *Store) FindChanges(ctx context.Context, f hindsight.ChangeFilter) (out []*hindsight.Change, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindChanges(ctx, f); return err })
	return out, err
}
