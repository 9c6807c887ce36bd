package http

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// placeholderRow is a template row of the post-mortem's timeline or
// corrective-action tables that nothing recorded fills yet: people either
// record what it asks for or dismiss it when it does not apply.
type placeholderRow struct {
	// Key names the row for DismissPlaceholder: "timeline/investigation/3".
	Key string
	// Where is the table: "Investigation", "Long-term".
	Where string
	// Text is what the row asks for.
	Text string
}

// placeholderRows lists the timeline and action placeholder rows that the
// post-mortem still shows.
func placeholderRows(pm *hindsight.Postmortem) (timeline, actions []placeholderRow) {
	v := postmortem.NewView(*pm)
	for _, t := range v.Timeline {
		for _, r := range t.Rows {
			if r.Placeholder {
				timeline = append(timeline, placeholderRow{Key: r.Key, Where: t.Heading, Text: joinNonEmpty(r.Event, r.Actor, r.Action)})
			}
		}
	}
	for _, t := range v.Actions {
		for _, r := range t.Rows {
			if r.Placeholder {
				actions = append(actions, placeholderRow{Key: r.Key, Where: t.Heading, Text: joinNonEmpty(r.Title, r.Verification)})
			}
		}
	}
	return timeline, actions
}

// joinNonEmpty joins the non-empty values with " · ".
func joinNonEmpty(values ...string) string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, " · ")
}

// uiDismiss removes a placeholder row that does not apply, at the document
// version the page showed; a stale version or a closed document is shown
// on the incident page like any refused change.
func (s *Server) uiDismiss(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, key := r.PathValue("id"), r.PostFormValue("key")
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.renderIncident(w, r, v, http.StatusBadRequest, "The form lacks the document's version: reload the page and try again.", nil)
		return
	}
	if _, err := s.Review.DismissPlaceholder(r.Context(), id, key, version); err != nil {
		s.refused(w, r, v, err)
		return
	}
	anchor := "#actions"
	if strings.HasPrefix(key, "timeline/") {
		anchor = "#timeline"
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=dismiss"+anchor, http.StatusSeeOther)
}
