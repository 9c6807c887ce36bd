package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// actionListPage is the data of the action items view.
type actionListPage struct {
	Owner, Status string
	Statuses      []hindsight.ActionStatus
	Overdue       []*hindsight.ActionItem
	OverdueTotal  int
	Items         []*hindsight.ActionItem
	Pager         pager
	Now           time.Time
	// People is the directory that turns owners into links.
	People *hindsight.Directory
}

// uiActionList shows action items across incidents: the overdue ones
// first, then every item by due date, optionally for one owner and status.
func (s *Server) uiActionList(w http.ResponseWriter, r *http.Request, v *visitor) {
	q := r.URL.Query()
	data := actionListPage{Owner: strings.TrimSpace(q.Get("owner")), Status: q.Get("status"), Statuses: hindsight.ActionStatuses, Now: s.Now()}
	f := hindsight.ActionFilter{Owner: data.Owner, OverdueAt: data.Now, Page: hindsight.Page{Limit: uiPageSize}}
	var err error
	if data.Status == "" || !hindsight.ActionStatus(data.Status).Closed() {
		if data.Overdue, data.OverdueTotal, err = s.UIStore.FindActionItems(r.Context(), f); err != nil {
			s.uiError(w, r, v, err)
			return
		}
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	f = hindsight.ActionFilter{Owner: data.Owner, Status: hindsight.ActionStatus(data.Status), Page: hindsight.Page{Offset: max(offset, 0), Limit: uiPageSize}}
	items, total, err := s.UIStore.FindActionItems(r.Context(), f)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	if err := s.attachTrackers(r.Context(), data.Overdue, items); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data.Items, data.Pager = items, newPager(r.URL, f.Offset, len(items), total)
	if data.People, err = s.directory(r); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "actions", page{Title: "Action items", Nav: "actions", Visitor: v, Data: data})
}
