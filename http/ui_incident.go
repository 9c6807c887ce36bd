package http

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
)

// incidentPage is the data of an incident's page.
type incidentPage struct {
	PM       *hindsight.Postmortem
	HasDoc   bool
	Document template.HTML
	Findings []hindsight.Finding
	SignOffs []signOffRow
	Sections []narrativeSection
	Types    []hindsight.EventType
	Horizons []hindsight.Horizon
	Now      string
	// Version is the document's version, which dismiss forms carry.
	Version int
	// TimelinePlaceholders and ActionPlaceholders are the template rows
	// nothing recorded fills yet.
	TimelinePlaceholders, ActionPlaceholders []placeholderRow
	// Editable reports whether the post-mortem still takes changes
	// (DRAFT or UNDER REVIEW).
	Editable bool
	// NextStatuses are the incident statuses the incident may move to.
	NextStatuses []hindsight.IncidentStatus
	// Facts are what the page leads with.
	Facts incidentFacts
	// Parts are the document's sections, with the panels that follow them.
	Parts []docPart
	// Summary groups Findings by section.
	Summary findingSummary
	// Narrative is the state of each narrative section.
	Narrative []editorSection
	// Evidence is the Evidence panel: graphs, changes, attachments.
	Evidence evidenceView
	// Manage is what the incident-management parts show.
	Manage manageData
	// People is the directory that turns handles into links.
	People *hindsight.Directory
	// Comments is the Comments panel.
	Comments commentsView
}

// signOffRow is one review role and where its sign-off stands.
type signOffRow struct {
	Role    hindsight.SignOffRole
	Label   string
	SignOff *hindsight.SignOff
	// CanSign says whether the visitor's access role may sign it now.
	CanSign bool
}

// uiIncident shows an incident: its rendered post-mortem, the workflow,
// sign-offs, lint findings, timeline and action items.
func (s *Server) uiIncident(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.renderIncident(w, r, v, http.StatusOK, "", nil)
}

// renderIncident renders the incident page with an optional problem (a
// refused change) and the lint findings that explain it.
func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, v *visitor, status int, problem string, findings []hindsight.Finding) {
	id := r.PathValue("id")
	pm, err := s.Incidents.FindPostmortem(r.Context(), id)
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data := incidentPage{PM: pm, HasDoc: pm.Document.Version > 0, Findings: findings, Sections: narrativeSections,
		Types: eventTypes, Horizons: hindsight.Horizons, Now: s.Now().UTC().Format("2006-01-02T15:04"),
		Version: pm.Document.Version, NextStatuses: nextIncidentStatuses(pm.Incident.Status)}
	if data.People, err = s.directory(r); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	if data.HasDoc {
		st := pm.Document.Status
		data.Editable = st == hindsight.DocDraft || st == hindsight.DocUnderReview
		data.TimelinePlaceholders, data.ActionPlaceholders = placeholderRows(pm)
		md, err := s.postmortemMarkdown(r.Context(), pm)
		if err != nil {
			s.uiError(w, r, v, err)
			return
		}
		data.Document = template.HTML(chart.InlineGraphs([]byte(renderMarkdown(string(md))), pm.Incident.ID, pm.Impact))
		data.Document = linkPeople(data.Document, data.People)
		if findings == nil && pm.Document.Status == hindsight.DocDraft && s.Review != nil {
			if data.Findings, err = s.Review.LintPostmortem(r.Context(), id); err != nil {
				s.uiError(w, r, v, err)
				return
			}
		}
		data.Summary = s.summarizeFindings(pm, data.Findings)
		data.Narrative = editorSections(&pm.Document.Narrative, false)
	}
	if data.Manage, err = s.manage(r.Context(), pm); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data.Parts = splitDocument(data.Document)
	data.Facts = newIncidentFacts(pm, s.Now())
	data.SignOffs = signOffRows(pm, v)
	data.Evidence = s.newEvidenceView(pm)
	if data.Comments, err = s.newCommentsView(r.Context(), id, data.People); err != nil {
		s.uiError(w, r, v, err)
		return
	}
	flash := flashMessages[r.URL.Query().Get("done")]
	s.render(w, r, status, "incident", page{Title: pm.Incident.Title, Nav: "incidents", Visitor: v, Flash: flash, Problem: problem, Data: data})
}

// flashMessages confirm a change after the redirect that follows it.
var flashMessages = map[string]string{
	"narrative": "Narrative saved.", "timeline": "Timeline event added.", "action": "Action item added.",
	"status": "Status changed.", "signoff": "Signed off.", "dismiss": "Placeholder row dismissed.",
	"incident-status": "Incident status changed.", "metadata": "Incident saved.", "postmortem": "Post-mortem draft created.",
	"acknowledge": "Acknowledgement recorded.", "mitigate": "Mitigation recorded.", "declared": "Incident declared.",
	"action-edit": "Action item saved.", "timeline-edit": "Timeline event saved.",
	"attachment": "File attached.",
	"comment":    "Comment added.", "comment-resolved": "Thread resolved.",
}

// signOffRows lists the four review roles with their sign-offs.
func signOffRows(pm *hindsight.Postmortem, v *visitor) []signOffRow {
	rows := make([]signOffRow, 0, len(hindsight.SignOffRoles))
	for _, role := range hindsight.SignOffRoles {
		row := signOffRow{Role: role, Label: role.Label()}
		for i := range pm.SignOffs {
			if pm.SignOffs[i].Role == role {
				row.SignOff = &pm.SignOffs[i]
			}
		}
		need := hindsight.RoleApprover
		if role == hindsight.RoleAuthor {
			need = hindsight.RoleEditor
		}
		open := row.SignOff == nil || row.SignOff.SignedAt == nil || row.SignOff.VoidedAt != nil
		row.CanSign = open && v.Can(string(need)) && pm.Document.Version > 0 &&
			(pm.Document.Status == hindsight.DocUnderReview || (role == hindsight.RoleAuthor && pm.Document.Status == hindsight.DocDraft))
		rows = append(rows, row)
	}
	return rows
}

// lintFindings returns the findings carried by a refused submission.
func lintFindings(err error) []hindsight.Finding {
	var le *hindsight.LintError
	if errors.As(err, &le) {
		return le.Findings
	}
	return nil
}

// eventTypes are the timeline event types a person may add.
var eventTypes = []hindsight.EventType{hindsight.EventIssueStarted, hindsight.EventAlertFired, hindsight.EventAcknowledged,
	hindsight.EventAssessment, hindsight.EventDeclared, hindsight.EventMitigation, hindsight.EventHypothesis,
	hindsight.EventEscalation, hindsight.EventFinding, hindsight.EventFix, hindsight.EventMonitoring,
	hindsight.EventResolved, hindsight.EventCommunication, hindsight.EventNote}
