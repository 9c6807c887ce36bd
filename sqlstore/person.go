package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

const personCols = "handle, name, email, slack_id, team, source, created_at, updated_at"

func scanPerson(sc scanner) (*hindsight.Person, error) {
	var p hindsight.Person
	var created, updated sql.NullInt64
	if err := sc.Scan(&p.Handle, &p.Name, &p.Email, &p.SlackID, &p.Team, &p.Source, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromTS(created), fromTS(updated)
	return &p, nil
}

// UpsertPerson stores a person under its handle, keeping the CreatedAt of
// an existing entry.
func (tx *Tx) UpsertPerson(ctx context.Context, p *hindsight.Person) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	old, err := tx.FindPersonByHandle(ctx, p.Handle)
	switch {
	case err == nil:
		p.CreatedAt, p.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.exec(ctx, `UPDATE people SET handle = ?, name = ?, email = ?, email_key = ?, slack_id = ?, team = ?,
			source = ?, updated_at = ? WHERE handle_key = ?`,
			p.Handle, p.Name, p.Email, strings.ToLower(p.Email), p.SlackID, p.Team, p.Source, ts(p.UpdatedAt), hindsight.PersonKey(p.Handle))
		return err
	case hindsight.ErrorCode(err) == hindsight.ENOTFOUND:
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		return tx.insertPerson(ctx, p)
	default:
		return err
	}
}

func (tx *Tx) insertPerson(ctx context.Context, p *hindsight.Person) error {
	_, err := tx.exec(ctx, "INSERT INTO people (handle_key, email_key, "+personCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		hindsight.PersonKey(p.Handle), strings.ToLower(p.Email),
		p.Handle, p.Name, p.Email, p.SlackID, p.Team, p.Source, ts(p.CreatedAt), ts(p.UpdatedAt))
	return err
}

// FindPersonByHandle returns the person with that handle.
func (tx *Tx) FindPersonByHandle(ctx context.Context, handle string) (*hindsight.Person, error) {
	return tx.findPerson(ctx, "handle_key", hindsight.PersonKey(handle), handle)
}

// FindPersonByEmail returns the person with that e-mail address.
func (tx *Tx) FindPersonByEmail(ctx context.Context, email string) (*hindsight.Person, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no person with an empty e-mail address")
	}
	return tx.findPerson(ctx, "email_key", strings.ToLower(email), email)
}

func (tx *Tx) findPerson(ctx context.Context, col, key, asWritten string) (*hindsight.Person, error) {
	p, err := scanPerson(tx.queryRow(ctx, "SELECT "+personCols+" FROM people WHERE "+col+" = ? ORDER BY handle_key LIMIT 1", key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no person %q in the directory", asWritten)
	} else if err != nil {
		return nil, tx.d.mapError(err)
	}
	return p, nil
}

// FindPeople returns every person, by handle.
func (tx *Tx) FindPeople(ctx context.Context) ([]*hindsight.Person, error) {
	rows, err := tx.query(ctx, "SELECT "+personCols+" FROM people ORDER BY handle_key")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, tx.d.mapError(rows.Err())
}

// DeletePerson removes a person from the directory.
func (tx *Tx) DeletePerson(ctx context.Context, handle string) error {
	n, err := tx.execCount(ctx, "DELETE FROM people WHERE handle_key = ?", hindsight.PersonKey(handle))
	if err != nil {
		return err
	}
	if n == 0 {
		return hindsight.Errorf(hindsight.ENOTFOUND, "no person %q in the directory", handle)
	}
	return nil
}

// UpsertPerson stores a person under its handle.
func (s *Store) UpsertPerson(ctx context.Context, p *hindsight.Person) error {
	return s.update(ctx, func(tx *Tx) error { return tx.UpsertPerson(ctx, p) })
}

// FindPersonByHandle returns the person with that handle.
func (s *Store) FindPersonByHandle(ctx context.Context, handle string) (p *hindsight.Person, err error) {
	err = s.view(ctx, func(tx *Tx) error { p, err = tx.FindPersonByHandle(ctx, handle); return err })
	return p, err
}

// FindPersonByEmail returns the person with that e-mail address.
func (s *Store) FindPersonByEmail(ctx context.Context, email string) (p *hindsight.Person, err error) {
	err = s.view(ctx, func(tx *Tx) error { p, err = tx.FindPersonByEmail(ctx, email); return err })
	return p, err
}

// FindPeople returns every person, by handle.
func (s *Store) FindPeople(ctx context.Context) (out []*hindsight.Person, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindPeople(ctx); return err })
	return out, err
}

// DeletePerson removes a person from the directory.
func (s *Store) DeletePerson(ctx context.Context, handle string) error {
	return s.update(ctx, func(tx *Tx) error { return tx.DeletePerson(ctx, handle) })
}

// FindSignOffsBySigner returns the sign-offs whose signer is handle, newest
// first.
func (tx *Tx) FindSignOffsBySigner(ctx context.Context, handle string, limit int) ([]*hindsight.SignOff, error) {
	key := hindsight.PersonKey(handle)
	rows, err := tx.query(ctx, "SELECT id, "+signOffCols+" FROM sign_offs WHERE LOWER(LTRIM(signer, '@')) IN (?, ?) ORDER BY id DESC LIMIT ?",
		key, "token:"+key, max(limit, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.SignOff{}
	for rows.Next() {
		so, err := scanSignOff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, so)
	}
	return out, tx.d.mapError(rows.Err())
}

// FindSignOffsBySigner returns the sign-offs whose signer is handle.
func (s *Store) FindSignOffsBySigner(ctx context.Context, handle string, limit int) (out []*hindsight.SignOff, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindSignOffsBySigner(ctx, handle, limit); return err })
	return out, err
}
