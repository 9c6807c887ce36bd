package review

import (
	"context"

	"github.com/hindsight-sre/hindsight"
)

// Comments returns an incident's comments grouped in threads, oldest
// first. Errors: ENOTFOUND (no such incident).
func (s *Service) Comments(ctx context.Context, incidentID string) ([]*hindsight.CommentThread, error) {
	var out []*hindsight.CommentThread
	err := s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		if _, err := tx.FindIncidentByID(ctx, incidentID); err != nil {
			return err
		}
		all, err := tx.FindComments(ctx, incidentID)
		out = hindsight.Threads(all)
		return err
	})
	return out, err
}

// AddComment stores a comment on an incident's post-mortem as the
// context's identity, and queues a notification to each person it
// mentions. A comment of kind request_changes is a reviewer's request: it
// sends the post-mortem back to DRAFT (TransitionDocument's rules and role)
// and is the comment that move records. Errors: EUNAUTHORIZED,
// EFORBIDDEN (a viewer), EINVALID, ENOTFOUND (no such incident or parent),
// ECONFLICT (the post-mortem is APPROVED or ARCHIVED: a record takes no new
// comments until it is reopened; request_changes from a status that cannot
// go back to DRAFT).
func (s *Service) AddComment(ctx context.Context, incidentID string, c hindsight.Comment) (*hindsight.Comment, error) {
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, err
	}
	if !id.Role.Allows(hindsight.RoleEditor) {
		return nil, hindsight.Errorf(hindsight.EFORBIDDEN, "%s has role %s; commenting needs editor or above", id.Name, id.Role)
	}
	c.IncidentID, c.Author, c.Mentions = incidentID, id.Name, nil
	if c.Kind == "" {
		c.Kind = hindsight.CommentNote
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Kind == hindsight.CommentRequestChanges {
		_, out, err := s.transitionDocument(ctx, incidentID, hindsight.DocDraft, &c)
		return out, err
	}
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		if err := writable(ctx, tx, incidentID, "comments on it are closed"); err != nil {
			return err
		}
		return storeComment(ctx, tx, &c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// requestChanges records the reason of a move back to DRAFT as a request
// for changes by id, with rc's section and parent.
func requestChanges(ctx context.Context, tx hindsight.Services, incidentID string, id hindsight.Identity, reason string, rc *hindsight.Comment) (*hindsight.Comment, error) {
	c := &hindsight.Comment{IncidentID: incidentID, Kind: hindsight.CommentRequestChanges, Body: reason,
		Section: rc.Section, ParentID: rc.ParentID, Author: id.Name}
	return c, storeComment(ctx, tx, c)
}

// storeComment stores c and queues its mentions' notifications.
func storeComment(ctx context.Context, tx hindsight.Services, c *hindsight.Comment) error {
	if err := tx.CreateComment(ctx, c); err != nil {
		return err
	}
	return queueMentions(ctx, tx, c)
}

// ResolveComment marks the thread that comment id starts resolved, as the
// context's identity (an editor or above). Errors: EUNAUTHORIZED,
// EFORBIDDEN, ENOTFOUND (no such comment on this incident), ECONFLICT (a
// reply, already resolved, or the post-mortem is a record).
func (s *Service) ResolveComment(ctx context.Context, incidentID string, commentID int64) (*hindsight.Comment, error) {
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, err
	}
	if !id.Role.Allows(hindsight.RoleEditor) {
		return nil, hindsight.Errorf(hindsight.EFORBIDDEN, "%s has role %s; resolving a thread needs editor or above", id.Name, id.Role)
	}
	var out *hindsight.Comment
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		c, err := tx.FindCommentByID(ctx, commentID)
		if err != nil {
			return err
		}
		if c.IncidentID != incidentID {
			return hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no comment %d", incidentID, commentID)
		}
		if err := writable(ctx, tx, incidentID, "its comment threads stay as they were approved"); err != nil {
			return err
		}
		out, err = tx.ResolveComment(ctx, commentID, id.Name)
		return err
	})
	return out, err
}
