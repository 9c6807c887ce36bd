package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// sourceRecorder is what a store transaction offers to remember which file
// an incident was imported from (sqlstore.Tx does).
type sourceRecorder interface {
	FindImportSource(ctx context.Context, incidentID string) (*sqlstore.ImportSource, error)
	SaveImportSource(ctx context.Context, src *sqlstore.ImportSource) error
}

// importPostmortem stores one parsed file in one transaction: unchanged
// when the incident was last imported from the same bytes, created when the
// incident is new, updated otherwise. On error nothing is written.
func importPostmortem(ctx context.Context, s hindsight.Store, pm hindsight.Postmortem, path, sum string) (importResult, error) {
	var result importResult
	err := s.WithTx(ctx, func(tx hindsight.Services) error {
		rec, ok := tx.(sourceRecorder)
		if !ok {
			return hindsight.Errorf(hindsight.EINTERNAL, "this store cannot record where imports come from")
		}
		id := pm.Incident.ID
		src, err := rec.FindImportSource(ctx, id)
		if err == nil && src.SHA256 == sum {
			result = resultUnchanged
			return nil
		} else if err != nil && hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			return err
		}
		stored, err := tx.FindPostmortem(ctx, id)
		switch {
		case hindsight.ErrorCode(err) == hindsight.ENOTFOUND:
			result, err = resultCreated, createPostmortem(ctx, tx, pm)
		case err == nil:
			result, err = resultUpdated, updatePostmortem(ctx, tx, stored, pm)
		}
		if err != nil {
			return err
		}
		return rec.SaveImportSource(ctx, &sqlstore.ImportSource{IncidentID: id, Path: path, SHA256: sum,
			DocumentUpdatedAt: pm.Document.UpdatedAt, DocumentUpdatedBy: pm.Document.UpdatedBy})
	})
	if err != nil {
		return resultFailed, err
	}
	return result, nil
}

// stepError names the part of the document a store error is about, keeping
// the error's code.
func stepError(err error, format string, args ...any) error {
	return hindsight.Errorf(hindsight.ErrorCode(err), "%s: %s", fmt.Sprintf(format, args...), errText(err))
}

// errText is a domain error's message, or any other error's text.
func errText(err error) string {
	if hindsight.ErrorCode(err) == hindsight.EINTERNAL {
		return err.Error()
	}
	return hindsight.ErrorMessage(err)
}

// createPostmortem stores a new incident with everything its document holds.
func createPostmortem(ctx context.Context, tx hindsight.Services, pm hindsight.Postmortem) error {
	inc := pm.Incident
	if err := tx.CreateIncident(ctx, &inc); err != nil {
		return err
	}
	if pm.Document.Status != "" {
		doc := pm.Document
		doc.IncidentID = inc.ID
		if err := tx.CreateDocument(ctx, &doc); err != nil {
			return stepError(err, "document")
		}
	}
	if err := addEvents(ctx, tx, inc.ID, pm.Timeline); err != nil {
		return err
	}
	for i := range pm.Actions {
		if err := createAction(ctx, tx, inc.ID, pm.Actions[i]); err != nil {
			return err
		}
	}
	for i := range pm.SignOffs {
		so := pm.SignOffs[i]
		so.ID, so.IncidentID = 0, inc.ID
		if err := tx.CreateSignOff(ctx, &so); err != nil {
			return stepError(err, "sign-off %q", so.Role.Label())
		}
	}
	return nil
}

// addEvents appends the document's timeline rows.
func addEvents(ctx context.Context, tx hindsight.Services, id string, events []hindsight.TimelineEvent) error {
	for i := range events {
		e := events[i]
		e.ID, e.IncidentID = 0, id
		if e.Source == "" {
			e.Source = "import"
		}
		if err := tx.AddTimelineEvent(ctx, &e); err != nil {
			return stepError(err, "timeline row %d (%s)", i+1, e.Event)
		}
	}
	return nil
}

// createAction stores one corrective action.
func createAction(ctx context.Context, tx hindsight.Services, id string, a hindsight.ActionItem) error {
	a.ID, a.IncidentID = 0, id
	if err := tx.CreateActionItem(ctx, &a); err != nil {
		return stepError(err, "action item %q", a.Title)
	}
	return nil
}

// sameJSON reports whether a and b encode to the same JSON: the import
// compares what it would write with what is stored this way, so that an
// unchanged part of a changed file records no revision.
func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}
