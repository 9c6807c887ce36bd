package http

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// uiTimelineAdd appends a timeline event from the incident page's form.
func (s *Server) uiTimelineAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	at, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("time"), time.UTC)
	if err != nil {
		s.renderIncident(w, r, v, http.StatusBadRequest, "The event's time must be a date and time, such as 2025-09-30T00:24 (UTC).", nil)
		return
	}
	e := &hindsight.TimelineEvent{IncidentID: id, Time: at, Type: hindsight.EventType(r.PostFormValue("type")),
		Event: strings.TrimSpace(r.PostFormValue("event")), Actor: strings.TrimSpace(r.PostFormValue("actor")),
		Action: strings.TrimSpace(r.PostFormValue("action")), Source: "user"}
	if err := s.Review.AddTimelineEvent(r.Context(), e); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=timeline#timeline", http.StatusSeeOther)
}

// refused shows a change the domain refused (invalid input, a conflict)
// on the incident page with its reason; other errors get the error page.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, v *visitor, err error) {
	switch code := hindsight.ErrorCode(err); code {
	case hindsight.EINVALID, hindsight.ECONFLICT, hindsight.EFORBIDDEN:
		msg, findings := hindsight.ErrorMessage(err), lintFindings(err)
		if len(findings) > 0 {
			// The review panel lists each finding; the banner only says why.
			msg = fmt.Sprintf("Submission refused: lint found %d finding(s) that block review. They are listed in the Review panel.", len(findings))
		}
		s.renderIncident(w, r, v, ErrorStatusCode(code), msg, findings)
	default:
		s.uiError(w, r, v, err)
	}
}
