package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// eventEditPage is the data of a timeline event's editor.
type eventEditPage struct {
	Incident *hindsight.Incident
	Event    *hindsight.TimelineEvent
	// Time is the event's time as the form's datetime-local value.
	Time  string
	Types []hindsight.EventType
}

// incidentEvent returns timeline event {event} of incident {id}.
func (s *Server) incidentEvent(r *http.Request) (*hindsight.Incident, *hindsight.TimelineEvent, error) {
	id := r.PathValue("id")
	pm, err := s.Incidents.FindPostmortem(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	n, _ := strconv.ParseInt(r.PathValue("event"), 10, 64)
	for i := range pm.Timeline {
		if pm.Timeline[i].ID == n {
			return &pm.Incident, &pm.Timeline[i], nil
		}
	}
	return nil, nil, hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no timeline event %q", id, r.PathValue("event"))
}

// uiEventEditPage shows the editor of one timeline event.
func (s *Server) uiEventEditPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	inc, e, err := s.incidentEvent(r)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	s.renderEventEdit(w, r, v, http.StatusOK, "", inc, e)
}

// uiEventEditSave replaces the event's time, type, event, actor and
// action; a refusal re-renders the form with the reason.
func (s *Server) uiEventEditSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	inc, e, err := s.incidentEvent(r)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	typed := *e
	typed.Type = hindsight.EventType(r.PostFormValue("type"))
	typed.Event, typed.Actor = strings.TrimSpace(r.PostFormValue("event")), strings.TrimSpace(r.PostFormValue("actor"))
	typed.Action = strings.TrimSpace(r.PostFormValue("action"))
	if typed.Type != e.Type {
		typed.Phase = "" // the table follows the new type
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("time"), time.UTC)
	if err != nil {
		err = hindsight.Errorf(hindsight.EINVALID, "the event's time must be a date and time, such as 2025-09-30T00:24 (UTC)")
	} else {
		typed.Time = at
		_, err = s.Review.UpdateTimelineEvent(r.Context(), inc.ID, e.ID, typed)
	}
	s.finishEdit(w, r, v, err, "/incidents/"+inc.ID+"?done=timeline-edit#timeline", func(status int, problem string) {
		s.renderEventEdit(w, r, v, status, problem, inc, &typed)
	})
}

func (s *Server) renderEventEdit(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, inc *hindsight.Incident, e *hindsight.TimelineEvent) {
	s.render(w, r, status, "event_edit", page{Title: "Timeline event · " + inc.Title, Nav: "incidents", Visitor: v, Problem: problem,
		Data: eventEditPage{Incident: inc, Event: e, Time: e.Time.UTC().Format("2006-01-02T15:04"), Types: eventTypes}})
}
