package hindsight

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// CommentKind says what a comment is: a remark, or a reviewer's request for
// changes, the comment that sending a post-mortem back to DRAFT records.
type CommentKind string

// Comment kinds.
const (
	CommentNote           CommentKind = "comment"
	CommentRequestChanges CommentKind = "request_changes"
)

// Valid reports whether k is a known kind.
func (k CommentKind) Valid() bool { return k == CommentNote || k == CommentRequestChanges }

// MaxCommentBytes bounds a comment's body.
const MaxCommentBytes = 16 << 10

// Comment is one remark on an incident's post-mortem, optionally anchored
// to a section of the document. A comment with a ParentID is a reply in its
// parent's thread; resolving a thread marks its first comment resolved.
type Comment struct {
	ID         int64       `json:"id"`
	IncidentID string      `json:"incident_id"`
	ParentID   int64       `json:"parent_id,omitempty"`
	Kind       CommentKind `json:"kind"`
	// Section is the key of the document section the comment is about,
	// such as "root_cause" or "timeline"; "" for the whole post-mortem.
	Section string `json:"section,omitempty"`
	// Body is Markdown, rendered sanitized.
	Body string `json:"body"`
	// Mentions are the handles the body mentions (@lead), as written,
	// without the "@", in order of first appearance.
	Mentions   []string   `json:"mentions"`
	Author     string     `json:"author"`
	CreatedAt  time.Time  `json:"created_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
}

// sectionKey is the form of a comment's section anchor.
var sectionKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Validate returns an EINVALID error that lists every invalid field.
func (c *Comment) Validate() error {
	var v Validation
	if strings.TrimSpace(c.IncidentID) == "" {
		v.Add("incident_id", "is required")
	}
	if !c.Kind.Valid() {
		v.Add("kind", "must be comment or request_changes, got %q", c.Kind)
	}
	if c.Section != "" && !sectionKey.MatchString(c.Section) {
		v.Add("section", "must be a section key such as root_cause or timeline")
	}
	if strings.TrimSpace(c.Body) == "" {
		v.Add("body", "is required")
	} else {
		v.CheckText("body", c.Body, MaxCommentBytes)
		v.CheckMarkdown("body", c.Body)
	}
	if c.ParentID < 0 {
		v.Add("parent_id", "must be a comment ID")
	}
	return v.Err("comment")
}

// SetMentions sets c.Mentions to the handles the body mentions as
// "@handle" (the directory's rule: Mentions), without the "@", each once
// (compared as PersonKey compares), in order of first appearance.
func (c *Comment) SetMentions() {
	c.Mentions = []string{}
	seen := map[string]bool{}
	for _, m := range Mentions(c.Body) {
		if k := PersonKey(m.Handle); !seen[k] {
			seen[k] = true
			c.Mentions = append(c.Mentions, m.Handle)
		}
	}
}

// CommentService stores comments. Writes are recorded in history.
type CommentService interface {
	// CreateComment stores c, setting its ID and CreatedAt (and Author
	// from the context's actor when empty). Errors: EINVALID, ENOTFOUND
	// (no such incident, or a parent not of this incident).
	CreateComment(ctx context.Context, c *Comment) error
	// FindComments returns an incident's comments, oldest first.
	FindComments(ctx context.Context, incidentID string) ([]*Comment, error)
	// FindCommentByID returns one comment. Errors: ENOTFOUND.
	FindCommentByID(ctx context.Context, id int64) (*Comment, error)
	// ResolveComment marks a thread's first comment resolved by by at the
	// store's time. Errors: ENOTFOUND, ECONFLICT (a reply, or already
	// resolved).
	ResolveComment(ctx context.Context, id int64, by string) (*Comment, error)
}

// CommentThread is a first comment and its replies, oldest first.
type CommentThread struct {
	*Comment
	Replies []*Comment `json:"replies"`
}

// Threads groups comments, oldest first, into threads: each comment without
// a parent starts one, replies join their parent's. A reply whose parent is
// missing starts a thread of its own.
func Threads(comments []*Comment) []*CommentThread {
	out := []*CommentThread{}
	byID := map[int64]*CommentThread{}
	for _, c := range comments {
		if t := byID[c.ParentID]; c.ParentID != 0 && t != nil {
			t.Replies = append(t.Replies, c)
			continue
		}
		t := &CommentThread{Comment: c, Replies: []*Comment{}}
		byID[c.ID] = t
		out = append(out, t)
	}
	return out
}
