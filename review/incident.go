package review

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Bounds of what a person types into an incident's fields.
const (
	maxTitleLen  = 200
	maxFieldLen  = 4000
	maxListItems = 50
	maxLinks     = 50
)

// UpdateIncident applies p to an incident still at expectedVersion, as the
// context's identity. A severity change also writes a timeline event
// ("Severity SEV3 → SEV2 by @eddie"); history records every change. The
// document follows, since it is rendered from the incident. Errors:
// EUNAUTHORIZED, EINVALID (listing every bad field), ENOTFOUND, ECONFLICT
// (stale version naming who changed what since; APPROVED or ARCHIVED
// post-mortem).
func (s *Service) UpdateIncident(ctx context.Context, incidentID string, p hindsight.IncidentPatch, expectedVersion int) (*hindsight.Incident, error) {
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, err
	}
	if err := validatePatch(p); err != nil {
		return nil, err
	}
	var out *hindsight.Incident
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		inc, err := tx.FindIncidentByID(ctx, incidentID)
		if err != nil {
			return err
		}
		if inc.Version == expectedVersion {
			if err := writable(ctx, tx, incidentID, "its metadata is read-only"); err != nil {
				return err
			}
		}
		from := inc.Severity
		applyPatch(p, inc)
		if err := tx.UpdateIncident(ctx, inc, expectedVersion); err != nil {
			return err
		}
		out = inc
		if inc.Severity == from {
			return nil
		}
		return tx.AddTimelineEvent(ctx, &hindsight.TimelineEvent{
			IncidentID: incidentID, Time: s.now(), Type: hindsight.EventAssessment, Event: "Severity changed",
			Actor: id.Name, Action: fmt.Sprintf("Severity %s → %s by %s", from, inc.Severity, postmortem.Handle(id.Name)), Source: "user",
		})
	})
	return out, err
}

// validatePatch returns an EINVALID error listing every bad field of p.
func validatePatch(p hindsight.IncidentPatch) error {
	var v hindsight.Validation
	if p.Title != nil && (strings.TrimSpace(*p.Title) == "" || len(*p.Title) > maxTitleLen) {
		v.Add("title", "must be 1 to %d bytes", maxTitleLen)
	}
	if p.Severity != nil && !p.Severity.Valid() {
		v.Add("severity", "must be one of SEV1 to SEV5, got %q", *p.Severity)
	}
	for name, f := range map[string]*string{"summary": p.Summary, "description": p.Description} {
		if f != nil && len(*f) > maxFieldLen {
			v.Add(name, "must be at most %d bytes", maxFieldLen)
		}
	}
	for name, l := range map[string]*[]string{"services": p.Services, "regions": p.Regions} {
		if l != nil && len(hindsight.SplitList(*l...)) > maxListItems {
			v.Add(name, "must list at most %d items", maxListItems)
		}
	}
	if p.Links != nil {
		checkLinks(*p.Links, &v)
	}
	return v.Err("incident")
}

// checkLinks adds a problem for each link without a label or with a URL
// that is not absolute http(s).
func checkLinks(links []hindsight.Link, v *hindsight.Validation) {
	if len(links) > maxLinks {
		v.Add("links", "must hold at most %d links", maxLinks)
	}
	for i, l := range links {
		if label := strings.TrimSpace(l.Kind); label == "" || len(label) > maxTitleLen || strings.ContainsAny(label, "\r\n") {
			v.Add(fmt.Sprintf("links[%d].label", i), "must be 1 to %d bytes on one line", maxTitleLen)
		}
		u, err := url.Parse(strings.TrimSpace(l.URL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(l.URL) > maxFieldLen {
			v.Add(fmt.Sprintf("links[%d].url", i), "must be an absolute http or https URL, such as https://grafana.example.com/d/api")
		}
	}
}

// applyPatch copies p onto inc, trimmed and with lists cleaned.
func applyPatch(p hindsight.IncidentPatch, inc *hindsight.Incident) {
	if p.Title != nil {
		inc.Title = strings.TrimSpace(*p.Title)
	}
	if p.Severity != nil {
		inc.Severity = *p.Severity
	}
	if p.Summary != nil {
		inc.Summary = strings.TrimSpace(*p.Summary)
	}
	if p.Description != nil {
		inc.Description = strings.TrimSpace(*p.Description)
	}
	if p.Services != nil {
		inc.Services = hindsight.SplitList(*p.Services...)
	}
	if p.Regions != nil {
		inc.Regions = hindsight.SplitList(*p.Regions...)
	}
	if p.Links != nil {
		inc.Links = make([]hindsight.Link, 0, len(*p.Links))
		for _, l := range *p.Links {
			inc.Links = append(inc.Links, hindsight.Link{Kind: strings.TrimSpace(l.Kind), URL: strings.TrimSpace(l.URL)})
		}
	}
}

// DeclareIncident opens an incident by hand as the context's identity, its
// author: ID by the same rule as alerts' (INCIDENT-YYYYMMDD-HHMM-slug, a
// numeric suffix when taken), a "declared" timeline event, and a draft
// post-mortem when its severity reaches DraftMinSeverity. Errors:
// EUNAUTHORIZED, EINVALID (listing every bad field).
func (s *Service) DeclareIncident(ctx context.Context, d hindsight.Declaration) (*hindsight.Incident, error) {
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if d.StartedAt.IsZero() {
		d.StartedAt = now
	}
	title := strings.TrimSpace(d.Title)
	p := hindsight.IncidentPatch{Title: &title, Severity: &d.Severity, Summary: &d.Summary, Services: &d.Services, Regions: &d.Regions}
	if err := validatePatch(p); err != nil {
		return nil, err
	}
	if d.StartedAt.After(now.Add(time.Minute)) {
		var v hindsight.Validation
		v.Add("started_at", "is in the future")
		return nil, v.Err("incident")
	}
	inc := &hindsight.Incident{Status: hindsight.IncidentInvestigating, Author: id.Name,
		StartedAt: d.StartedAt.UTC().Truncate(time.Microsecond), Labels: map[string]string{}}
	applyPatch(p, inc)
	inc.ID = hindsight.IncidentID(inc.StartedAt, inc.Title)
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		if err := createUnique(ctx, tx, inc); err != nil {
			return err
		}
		if err := tx.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: inc.ID, Time: inc.StartedAt,
			Type: hindsight.EventDeclared, Event: "Incident declared", Actor: id.Name, Action: "Declared by " + postmortem.Handle(id.Name), Source: "user"}); err != nil {
			return err
		}
		if s.DraftMinSeverity == "" || !inc.Severity.AtLeast(s.DraftMinSeverity) {
			return nil
		}
		return s.createDraft(ctx, tx, inc, id)
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// createUnique creates inc under its ID, or with a numeric suffix when an
// incident of the same name started in the same minute.
func createUnique(ctx context.Context, tx hindsight.Services, inc *hindsight.Incident) error {
	base := inc.ID
	for i := 2; ; i++ {
		err := tx.CreateIncident(ctx, inc)
		if hindsight.ErrorCode(err) != hindsight.ECONFLICT || i >= 100 {
			return err
		}
		inc.ID = fmt.Sprintf("%s-%d", base, i)
	}
}

// CreatePostmortem creates the DRAFT post-mortem of an incident that has
// none, such as one below the configured draft_min_severity, with the
// context's identity as its author. Errors: EUNAUTHORIZED, ENOTFOUND,
// ECONFLICT (it already has one).
func (s *Service) CreatePostmortem(ctx context.Context, incidentID string) (*hindsight.Document, error) {
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, err
	}
	var doc *hindsight.Document
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		inc, err := tx.FindIncidentByID(ctx, incidentID)
		if err != nil {
			return err
		}
		if _, err := tx.FindDocument(ctx, incidentID); err == nil {
			return hindsight.Errorf(hindsight.ECONFLICT, "incident %s already has a post-mortem", incidentID)
		} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			return err
		}
		if err := s.createDraft(ctx, tx, inc, id); err != nil {
			return err
		}
		doc, err = tx.FindDocument(ctx, incidentID)
		return err
	})
	return doc, err
}

// createDraft stores the draft of inc by id through NewDraft.
func (s *Service) createDraft(ctx context.Context, tx hindsight.Services, inc *hindsight.Incident, id hindsight.Identity) error {
	var doc hindsight.Document
	if s.NewDraft != nil {
		doc = s.NewDraft(*inc, id.Name)
	} else {
		doc = postmortem.NewDraft(*inc, postmortem.DraftOptions{Author: id.Name, Now: s.now()}).Document
	}
	doc.IncidentID = inc.ID
	return tx.CreateDocument(ctx, &doc)
}
