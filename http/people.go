package http

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// directory reads the directory of people for one page; a server without
// a store has an empty one.
func (s *Server) directory(r *http.Request) (*hindsight.Directory, error) {
	if s.UIStore == nil {
		return hindsight.NewDirectory(nil), nil
	}
	return hindsight.LoadDirectory(r.Context(), s.UIStore)
}

// peoplePage is the data of the directory's page.
type peoplePage struct {
	People []*hindsight.Person
	// Edit is the entry the admin form shows: a person picked with ?edit=,
	// or what was typed when a save was refused.
	Edit *hindsight.Person
}

// uiPeople lists the directory; admins also get the form that adds or
// changes an entry.
func (s *Server) uiPeople(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.renderPeople(w, r, v, http.StatusOK, "", nil)
}

func (s *Server) renderPeople(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, edit *hindsight.Person) {
	people, err := s.UIStore.FindPeople(r.Context())
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	if h := r.URL.Query().Get("edit"); edit == nil && h != "" {
		for _, p := range people {
			if hindsight.SamePerson(p.Handle, h) {
				edit = p
			}
		}
	}
	flash := map[string]string{"saved": "Person saved.", "deleted": "Person removed from the directory."}[r.URL.Query().Get("done")]
	s.render(w, r, status, "people", page{Title: "People", Nav: "people", Visitor: v, Flash: flash, Problem: problem,
		Data: peoplePage{People: people, Edit: edit}})
}

// uiPersonSave adds or replaces a directory entry from the admin form.
func (s *Server) uiPersonSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	p := &hindsight.Person{Handle: r.PostFormValue("handle"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		SlackID: r.PostFormValue("slack_id"), Team: r.PostFormValue("team"), Source: hindsight.PersonFromAdmin}
	if err := s.UIStore.UpsertPerson(r.Context(), p); err != nil {
		if hindsight.ErrorCode(err) == hindsight.EINVALID {
			s.renderPeople(w, r, v, http.StatusBadRequest, hindsight.ErrorMessage(err), p)
			return
		}
		s.uiError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/people?done=saved", http.StatusSeeOther)
}

// uiPersonDelete removes a directory entry. Documents keep the handle as
// written; it is no longer a link.
func (s *Server) uiPersonDelete(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := s.UIStore.DeletePerson(r.Context(), r.PathValue("handle")); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/people?done=deleted", http.StatusSeeOther)
}

// personPage is the data of a person's page.
type personPage struct {
	Handle string
	// Person is nil for a handle the directory does not know: its page
	// still lists what carries the handle.
	Person  *hindsight.Person
	Actions []*hindsight.ActionItem
	// Awaiting are the reviews waiting for the person's sign-off; Signed
	// those they gave (voided ones included).
	Awaiting, Signed []*hindsight.SignOff
	People           *hindsight.Directory
	// ActionsHref lists every action of the person, closed ones included.
	ActionsHref string
}

// personPageLimit bounds each list of a person's page.
const personPageLimit = 100

// uiPerson shows a person: who they are, their open action items and their
// reviews.
func (s *Server) uiPerson(w http.ResponseWriter, r *http.Request, v *visitor) {
	handle := hindsight.HandleName(r.PathValue("handle"))
	if !hindsight.ValidHandle(handle) {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.ENOTFOUND, "%q is not a handle", handle))
		return
	}
	ctx := r.Context()
	data := personPage{Handle: handle, ActionsHref: "/actions?owner=" + url.QueryEscape("@"+handle)}
	var err error
	if data.People, err = s.directory(r); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data.Person, _ = data.People.Lookup(handle)
	items, _, err := s.UIStore.FindActionItems(ctx, hindsight.ActionFilter{Owner: handle, Page: hindsight.Page{Limit: personPageLimit}})
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	for _, a := range items {
		if !a.Status.Closed() {
			data.Actions = append(data.Actions, a)
		}
	}
	sos, err := s.UIStore.FindSignOffsBySigner(ctx, handle, personPageLimit)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	for _, so := range sos {
		if so.SignedAt == nil && so.VoidedAt == nil {
			data.Awaiting = append(data.Awaiting, so)
		} else {
			data.Signed = append(data.Signed, so)
		}
	}
	title := "@" + handle
	if data.Person != nil {
		title = data.Person.Label()
	}
	s.render(w, r, http.StatusOK, "person", page{Title: strings.TrimSpace(title), Nav: "people", Visitor: v, Data: data})
}
