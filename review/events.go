package review

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// maxExcerpt bounds the excerpt of a comment that a notification quotes.
const maxExcerpt = 280

// queue stores the events of people other than the actor, in tx, once
// per person. A recipient named by e-mail address (a signer in
// review.signers) gets the event under the handle the directory gives that
// address; one the directory does not know is skipped: it has no channel
// of its own to be reached on.
func queue(ctx context.Context, tx hindsight.Services, events ...*hindsight.PersonEvent) error {
	actor := hindsight.ActorFromContext(ctx)
	seen := map[string]bool{}
	for _, e := range events {
		to, err := recipient(ctx, tx, e.Recipient)
		if err != nil {
			return err
		}
		key := hindsight.PersonKey(to)
		if key == "" || seen[key] || hindsight.SamePerson(key, actor) {
			continue
		}
		seen[key] = true
		e.Recipient = to
		if err := tx.QueuePersonEvent(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// recipient returns the handle of the person ref names: a handle as it is
// written, an e-mail address's from the directory ("" when it has no such
// person).
func recipient(ctx context.Context, tx hindsight.Services, ref string) (string, error) {
	if !strings.Contains(hindsight.PersonKey(ref), "@") {
		return ref, nil
	}
	p, err := hindsight.ResolvePerson(ctx, tx, ref)
	switch {
	case hindsight.ErrorCode(err) == hindsight.ENOTFOUND:
		return "", nil
	case err != nil:
		return "", err
	}
	return p.Handle, nil
}

// queueMentions queues a notification to each person c mentions.
func queueMentions(ctx context.Context, tx hindsight.Services, c *hindsight.Comment) error {
	if len(c.Mentions) == 0 {
		return nil
	}
	title := incidentTitle(ctx, tx, c.IncidentID)
	verb := "mentioned you"
	if c.Kind == hindsight.CommentRequestChanges {
		verb = "requested changes and mentioned you"
	}
	lines := []string{"Comment: " + excerpt(c.Body)}
	if c.Section != "" {
		lines = append(lines, "Section: "+c.Section)
	}
	var events []*hindsight.PersonEvent
	for _, h := range c.Mentions {
		events = append(events, &hindsight.PersonEvent{Kind: hindsight.EventMentioned, Recipient: h, IncidentID: c.IncidentID,
			Title: fmt.Sprintf("%s %s on %s", c.Author, verb, title), Lines: lines,
			Path: "/incidents/" + c.IncidentID + "#comment-" + strconv.FormatInt(c.ID, 10)})
	}
	return queue(ctx, tx, events...)
}

// queueReviewRequests asks the people the sign-off policy names to review
// a post-mortem that has just gone UNDER REVIEW.
func (s *Service) queueReviewRequests(ctx context.Context, tx hindsight.Services, incidentID string) error {
	title := incidentTitle(ctx, tx, incidentID)
	var events []*hindsight.PersonEvent
	for _, role := range s.Policy.RequiredRoles() {
		for _, who := range s.Policy.Signers[role] {
			events = append(events, &hindsight.PersonEvent{Kind: hindsight.EventReviewRequested, Recipient: who, IncidentID: incidentID,
				Title: "Review requested: " + title, Lines: []string{"Sign-off: " + role.Label(), "Submitted by " + hindsight.ActorFromContext(ctx)},
				Path: "/incidents/" + incidentID})
		}
	}
	return queue(ctx, tx, events...)
}

// queueAssignment tells a's owner that the action item is now theirs.
func queueAssignment(ctx context.Context, tx hindsight.Services, a *hindsight.ActionItem) error {
	if strings.TrimSpace(a.Owner) == "" {
		return nil
	}
	lines := []string{"Incident: " + incidentTitle(ctx, tx, a.IncidentID)}
	if !a.DueDate.IsZero() {
		lines = append(lines, "Due: "+a.DueDate.Format("2006-01-02"))
	}
	return queue(ctx, tx, &hindsight.PersonEvent{Kind: hindsight.EventActionAssigned, Recipient: a.Owner, IncidentID: a.IncidentID,
		Title: "Action item assigned to you: " + a.Title, Lines: lines, Path: "/incidents/" + a.IncidentID})
}

// incidentTitle names an incident as "ID (title)", or by ID alone when it
// cannot be read.
func incidentTitle(ctx context.Context, tx hindsight.Services, id string) string {
	inc, err := tx.FindIncidentByID(ctx, id)
	if err != nil || strings.TrimSpace(inc.Title) == "" {
		return id
	}
	return id + " (" + inc.Title + ")"
}

// excerpt returns the start of s on one line, at most maxExcerpt bytes,
// cut at a rune boundary.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= maxExcerpt {
		return s
	}
	cut := maxExcerpt
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
