package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

var (
	_ hindsight.CommentService = (*Store)(nil)
	_ hindsight.CommentService = (*Tx)(nil)
)

// EntityComment is the revision entity of a comment.
const EntityComment = "comment"

// commentCols are the columns of a comment, its ID first.
const commentCols = "id, incident_id, parent_id, kind, section, body, mentions, author, created_at, resolved_at, resolved_by"

// CreateComment validates and stores a comment, recording it in history.
func (tx *Tx) CreateComment(ctx context.Context, c *hindsight.Comment) error {
	if c.Mentions == nil {
		c.SetMentions()
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := tx.lockIncidentOnce(ctx, c.IncidentID); err != nil {
		return err
	}
	if c.ParentID != 0 {
		p, err := tx.FindCommentByID(ctx, c.ParentID)
		if err != nil {
			return err
		}
		if p.IncidentID != c.IncidentID {
			return notFound("comment", strconv.FormatInt(c.ParentID, 10)+" of incident "+c.IncidentID)
		}
	}
	if c.Author == "" {
		c.Author = hindsight.ActorFromContext(ctx)
	}
	c.ID, c.CreatedAt, c.ResolvedAt, c.ResolvedBy = 0, tx.now, nil, ""
	if err := tx.insertComment(ctx, c); err != nil {
		return err
	}
	return tx.record(ctx, c.IncidentID, EntityComment, strconv.FormatInt(c.ID, 10), 0, nil, c)
}

// insertComment writes c as it is; an ID of 0 takes the next one.
func (tx *Tx) insertComment(ctx context.Context, c *hindsight.Comment) error {
	var parent any
	if c.ParentID != 0 {
		parent = c.ParentID
	}
	args := []any{c.IncidentID, parent, string(c.Kind), c.Section, c.Body, jsonText(c.Mentions), c.Author,
		ts(c.CreatedAt), tsPtr(c.ResolvedAt), c.ResolvedBy}
	const cols = "incident_id, parent_id, kind, section, body, mentions, author, created_at, resolved_at, resolved_by"
	const marks = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
	if c.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO comments (id, "+cols+") VALUES (?, "+marks+")", append([]any{c.ID}, args...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO comments ("+cols+") VALUES ("+marks+") RETURNING id", args...).Scan(&c.ID)
	return tx.d.mapError(err)
}

// FindComments returns an incident's comments, oldest first.
func (tx *Tx) FindComments(ctx context.Context, incidentID string) ([]*hindsight.Comment, error) {
	rows, err := tx.query(ctx, "SELECT "+commentCols+" FROM comments WHERE incident_id = ? ORDER BY id", incidentID)
	if err != nil {
		return nil, err
	}
	out := []*hindsight.Comment{}
	err = eachRow(tx, rows, func(sc scanner) error {
		c, err := scanComment(sc)
		if err == nil {
			out = append(out, c)
		}
		return err
	})
	return out, err
}

// FindCommentByID returns one comment.
func (tx *Tx) FindCommentByID(ctx context.Context, id int64) (*hindsight.Comment, error) {
	c, err := scanComment(tx.queryRow(ctx, "SELECT "+commentCols+" FROM comments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("comment", id)
	}
	if err != nil {
		return nil, tx.d.mapError(err)
	}
	return c, nil
}

// ResolveComment marks a thread resolved on its first comment.
func (tx *Tx) ResolveComment(ctx context.Context, id int64, by string) (*hindsight.Comment, error) {
	c, err := tx.FindCommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := tx.lockIncidentOnce(ctx, c.IncidentID); err != nil {
		return nil, err
	}
	switch {
	case c.ParentID != 0:
		return nil, hindsight.Errorf(hindsight.ECONFLICT, "comment %d is a reply: resolve its thread, comment %d", id, c.ParentID)
	case c.ResolvedAt != nil:
		return nil, hindsight.Errorf(hindsight.ECONFLICT, "the thread of comment %d was already resolved by %s", id, c.ResolvedBy)
	}
	before := *c
	now := tx.now
	c.ResolvedAt, c.ResolvedBy = &now, by
	if _, err := tx.exec(ctx, "UPDATE comments SET resolved_at = ?, resolved_by = ? WHERE id = ?", ts(now), by, id); err != nil {
		return nil, err
	}
	return c, tx.record(ctx, c.IncidentID, EntityComment, strconv.FormatInt(id, 10), 0, &before, c)
}

func scanComment(sc scanner) (*hindsight.Comment, error) {
	var c hindsight.Comment
	var parent, created, resolved sql.NullInt64
	var mentions string
	if err := sc.Scan(&c.ID, &c.IncidentID, &parent, &c.Kind, &c.Section, &c.Body, &mentions, &c.Author,
		&created, &resolved, &c.ResolvedBy); err != nil {
		return nil, err
	}
	c.ParentID, c.CreatedAt, c.ResolvedAt = parent.Int64, fromTS(created), fromTSPtr(resolved)
	if err := fromJSON(mentions, &c.Mentions); err != nil {
		return nil, err
	}
	if c.Mentions == nil {
		c.Mentions = []string{}
	}
	return &c, nil
}

// CreateComment validates and stores a comment.
func (s *Store) CreateComment(ctx context.Context, c *hindsight.Comment) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateComment(ctx, c) })
}

// FindComments returns an incident's comments, oldest first.
func (s *Store) FindComments(ctx context.Context, incidentID string) (out []*hindsight.Comment, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindComments(ctx, incidentID); return err })
	return out, err
}

// FindCommentByID returns one comment.
func (s *Store) FindCommentByID(ctx context.Context, id int64) (c *hindsight.Comment, err error) {
	err = s.view(ctx, func(tx *Tx) error { c, err = tx.FindCommentByID(ctx, id); return err })
	return c, err
}

// ResolveComment marks a thread resolved.
func (s *Store) ResolveComment(ctx context.Context, id int64, by string) (c *hindsight.Comment, err error) {
	err = s.update(ctx, func(tx *Tx) error { c, err = tx.ResolveComment(ctx, id, by); return err })
	return c, err
}
