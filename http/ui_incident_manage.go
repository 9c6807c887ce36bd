package http

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// manageData is what the incident page's management parts show
// (views/_incident_manage.html): the metadata form, the response buttons,
// the post-mortem button, recurrence links and the follow-up since
// approval.
type manageData struct {
	// Severities are the choices of the severity select.
	Severities []hindsight.Severity
	// Links are the incident's links, one "label | URL" per line.
	Links string
	// Closed is set while the post-mortem is APPROVED or ARCHIVED: the
	// incident's content is then read-only.
	Closed bool
	// Recurrences are the incidents opened as recurrences of this one.
	Recurrences []string
	// FollowUp is the rendered follow-up since approval, if any.
	FollowUp any
	// ReopenFirst is set when the only next status is reopening: the
	// status form then offers no default.
	ReopenFirst bool
}

// manage builds the management parts' data of an incident page.
func (s *Server) manage(ctx context.Context, pm *hindsight.Postmortem) (manageData, error) {
	d := manageData{Severities: hindsight.Severities, Closed: pm.Document.Closed(),
		ReopenFirst: pm.Incident.Status == hindsight.IncidentResolved}
	lines := make([]string, len(pm.Incident.Links))
	for i, l := range pm.Incident.Links {
		lines[i] = l.Kind + " | " + l.URL
	}
	d.Links = strings.Join(lines, "\n")
	var err error
	if d.Recurrences, err = s.recurrences(ctx, pm.Incident.ID); err != nil {
		return d, err
	}
	md, err := s.followUpSinceApproval(ctx, pm)
	if err == nil && md != "" {
		d.FollowUp = renderMarkdown(md)
	}
	return d, err
}

// uiIncidentMetadata saves the incident's own fields from the metadata form.
func (s *Server) uiIncidentMetadata(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	sev := hindsight.Severity(r.PostFormValue("severity"))
	p := hindsight.IncidentPatch{Severity: &sev}
	for _, f := range []struct {
		name string
		dst  **string
	}{{"title", &p.Title}, {"summary", &p.Summary}, {"description", &p.Description}} {
		val := r.PostFormValue(f.name)
		*f.dst = &val
	}
	services, regions := hindsight.SplitList(r.PostFormValue("services")), hindsight.SplitList(r.PostFormValue("regions"))
	links := parseLinkLines(r.PostFormValue("links"))
	p.Services, p.Regions, p.Links = &services, &regions, &links
	if _, err := s.Review.UpdateIncident(r.Context(), id, p, version); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=metadata", http.StatusSeeOther)
}

// parseLinkLines reads one link per line, "label | URL" (or "label URL");
// a line with only a URL is labelled "link".
func parseLinkLines(text string) []hindsight.Link {
	links := []hindsight.Link{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		label, u, ok := strings.Cut(line, "|")
		if !ok {
			if i := strings.LastIndexAny(line, " \t"); i > 0 {
				label, u = line[:i], line[i+1:]
			} else {
				label, u = "link", line
			}
		}
		links = append(links, hindsight.Link{Kind: strings.TrimSpace(label), URL: strings.TrimSpace(u)})
	}
	return links
}

// uiPostmortemCreate gives the incident its draft post-mortem.
func (s *Server) uiPostmortemCreate(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	if _, err := s.Review.CreatePostmortem(r.Context(), id); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done=postmortem", http.StatusSeeOther)
}

// uiRespond records an acknowledgement or a mitigation by the visitor, at
// the form's time (UTC, editable; empty means now).
func (s *Server) uiRespond(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	var at time.Time
	if raw := strings.TrimSpace(r.PostFormValue("at")); raw != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", raw, time.UTC)
		if err != nil {
			s.refused(w, r, v, hindsight.Errorf(hindsight.EINVALID, "the time %q is not a date and time such as 2025-09-30T00:31", raw))
			return
		}
		at = t
	}
	what := hindsight.Response(r.PathValue("what"))
	if _, err := s.Review.Respond(r.Context(), id, what, at); err != nil {
		s.refused(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+id+"?done="+url.QueryEscape(string(what)), http.StatusSeeOther)
}

// declareData is what the "New incident" page shows: the choices and
// what was typed when a declaration was refused.
type declareData struct {
	Severities []hindsight.Severity
	Form       url.Values
	Now        string
}

// uiDeclarePage shows the "New incident" form.
func (s *Server) uiDeclarePage(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.renderDeclare(w, r, v, http.StatusOK, "", url.Values{"severity": {string(hindsight.SEV3)}})
}

func (s *Server) renderDeclare(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, form url.Values) {
	s.render(w, r, status, "declare", page{Title: "New incident", Nav: "incidents", Visitor: v, Problem: problem,
		Data: declareData{Severities: hindsight.Severities, Form: form, Now: s.Now().UTC().Format("2006-01-02T15:04")}})
}

// uiDeclare opens an incident by hand and shows its page.
func (s *Server) uiDeclare(w http.ResponseWriter, r *http.Request, v *visitor) {
	d := hindsight.Declaration{Title: r.PostFormValue("title"), Severity: hindsight.Severity(r.PostFormValue("severity")),
		Summary: r.PostFormValue("summary"), Services: hindsight.SplitList(r.PostFormValue("services")),
		Regions: hindsight.SplitList(r.PostFormValue("regions"))}
	if raw := strings.TrimSpace(r.PostFormValue("started_at")); raw != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", raw, time.UTC)
		if err != nil {
			s.renderDeclare(w, r, v, http.StatusBadRequest, "Started: "+raw+" is not a date and time such as 2025-09-30T00:31", r.PostForm)
			return
		}
		d.StartedAt = t
	}
	inc, err := s.Review.DeclareIncident(r.Context(), d)
	if code := hindsight.ErrorCode(err); code == hindsight.EINVALID {
		s.renderDeclare(w, r, v, http.StatusBadRequest, hindsight.ErrorMessage(err), r.PostForm)
		return
	} else if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+inc.ID+"?done=declared", http.StatusSeeOther)
}
