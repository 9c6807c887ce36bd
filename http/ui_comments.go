package http

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

// commentsView is the Comments panel of the incident page.
type commentsView struct {
	// Enabled is false on a server built without comments.
	Enabled bool
	Threads []commentThreadView
	// Sections are the anchors a new comment may take.
	Sections []narrativeSection
	// Open counts the unresolved threads.
	Open int
}

// commentThreadView is one thread: its first comment and the replies.
type commentThreadView struct {
	First   commentView
	Replies []commentView
}

// commentView is one comment with its body rendered as sanitized HTML.
type commentView struct {
	*hindsight.Comment
	// HTML is the body rendered, with the people the directory knows
	// linked; Mentions are the mentioned handles, linked the same way.
	HTML     template.HTML
	Mentions []template.HTML
	// SectionLabel names the anchor section; "" for the whole post-mortem.
	SectionLabel string
}

// commentSections are the anchors offered: the narrative sections, and
// the timeline and action items.
var commentSections = append(append([]narrativeSection{}, narrativeSections...),
	narrativeSection{"timeline", "Timeline"}, narrativeSection{"actions", "Corrective actions"})

// sectionLabel returns the label of an anchor, or the key as written.
func sectionLabel(key string) string {
	for _, s := range commentSections {
		if s.Key == key {
			return s.Label
		}
	}
	return key
}

// newCommentsView reads an incident's comment threads for the page; dir
// turns the handles it knows into links to their people's pages.
func (s *Server) newCommentsView(ctx context.Context, incidentID string, dir *hindsight.Directory) (commentsView, error) {
	out := commentsView{Enabled: s.Review != nil, Sections: commentSections}
	if s.Review == nil {
		return out, nil
	}
	threads, err := s.Review.Comments(ctx, incidentID)
	if err != nil {
		return out, err
	}
	for _, t := range threads {
		tv := commentThreadView{First: newCommentView(t.Comment, dir)}
		for _, r := range t.Replies {
			tv.Replies = append(tv.Replies, newCommentView(r, dir))
		}
		if t.ResolvedAt == nil {
			out.Open++
		}
		out.Threads = append(out.Threads, tv)
	}
	return out, nil
}

func newCommentView(c *hindsight.Comment, dir *hindsight.Directory) commentView {
	v := commentView{Comment: c, HTML: linkPeople(renderMarkdown(c.Body), dir)}
	for _, h := range c.Mentions {
		v.Mentions = append(v.Mentions, personLink(dir, "@"+h))
	}
	if c.Section != "" {
		v.SectionLabel = sectionLabel(c.Section)
	}
	return v
}

// uiCommentAdd stores a comment, a reply or a request for changes from the
// incident page's forms.
func (s *Server) uiCommentAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	if s.Review == nil {
		s.uiError(w, r, v, errNoComments)
		return
	}
	id := r.PathValue("id")
	c := hindsight.Comment{Body: r.PostFormValue("body"), Section: r.PostFormValue("section"),
		Kind: hindsight.CommentKind(r.PostFormValue("kind"))}
	if p := r.PostFormValue("parent_id"); p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			s.refused(w, r, v, hindsight.Errorf(hindsight.EINVALID, "parent_id must be a comment ID"))
			return
		}
		c.ParentID = n
	}
	out, err := s.Review.AddComment(r.Context(), id, c)
	if err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=comment#comment-"+strconv.FormatInt(out.ID, 10), http.StatusSeeOther)
}

// uiCommentResolve resolves a thread.
func (s *Server) uiCommentResolve(w http.ResponseWriter, r *http.Request, v *visitor) {
	if s.Review == nil {
		s.uiError(w, r, v, errNoComments)
		return
	}
	cid, err := commentID(r)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	id := r.PathValue("id")
	if _, err := s.Review.ResolveComment(r.Context(), id, cid); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=comment-resolved#comment-"+strconv.FormatInt(cid, 10), http.StatusSeeOther)
}
