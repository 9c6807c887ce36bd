// Package importer stores post-mortems read from Markdown: it creates the
// incident a document names, or brings a stored incident in line with an
// edited document, changing only what the edit changed. "hindsight import"
// and PUT /api/v1/incidents/{id}/postmortem.md share it, so a document gets
// the same treatment from a file and over the API.
package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hindsight-sre/hindsight"
)

// Result is what became of one document.
type Result string

// Results, as "hindsight import" prints them after the file's path.
const (
	Created   Result = "created"
	Updated   Result = "updated"
	Unchanged Result = "skipped (unchanged)"
)

// Source is the Markdown a post-mortem was parsed from.
type Source struct {
	// Path names the document in messages: the file, or the API route.
	Path string
	// Markdown is the document's bytes, kept so that an export gives the
	// document back as written.
	Markdown []byte
}

// SHA256 is the hex SHA-256 of the document, how a re-import recognises an
// unchanged file.
func (s Source) SHA256() string {
	sum := sha256.Sum256(s.Markdown)
	return hex.EncodeToString(sum[:])
}

// Apply stores pm, parsed from src, in one transaction: unchanged when the
// incident was last imported from the same bytes, created when the incident
// is new, updated otherwise (only the parts that differ, at their stored
// versions, so a concurrent edit makes it fail with ECONFLICT instead of
// being overwritten). An APPROVED or ARCHIVED post-mortem is a record: a
// document that differs from it fails with ECONFLICT (reopen it first). On
// error nothing is written. Errors: ECONFLICT, EINVALID, and the store's.
func Apply(ctx context.Context, s hindsight.Store, pm hindsight.Postmortem, src Source) (Result, error) {
	var result Result
	sum := src.SHA256()
	err := s.WithTx(ctx, func(tx hindsight.Services) error {
		id := pm.Incident.ID
		old, err := tx.FindImportSource(ctx, id)
		if err == nil && old.SHA256 == sum {
			result = Unchanged
			return nil
		} else if err != nil && hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			return err
		}
		stored, err := tx.FindPostmortem(ctx, id)
		switch {
		case hindsight.ErrorCode(err) == hindsight.ENOTFOUND:
			result, err = Created, createPostmortem(ctx, tx, pm)
		case err == nil && IsRecord(stored.Document.Status):
			if err = updatePostmortem(ctx, recordGuard{tx, stored}, stored, pm); err == nil {
				return errUnchangedRecord
			}
		case err == nil:
			result, err = Updated, updatePostmortem(ctx, tx, stored, pm)
		}
		if err != nil {
			return err
		}
		return saveSource(ctx, tx, pm, src, sum)
	})
	if errors.Is(err, errUnchangedRecord) {
		return Unchanged, nil
	}
	if err != nil {
		return "", err
	}
	return result, nil
}

// IsRecord reports whether a document status makes the post-mortem a
// record that no import may change.
func IsRecord(s hindsight.DocumentStatus) bool {
	return s == hindsight.DocApproved || s == hindsight.DocArchived
}

// errUnchangedRecord ends the transaction of a record that the document
// does not change: nothing to write, not even its source.
var errUnchangedRecord = errors.New("unchanged record")

// saveSource records the document and the post-mortem as now stored, the
// base an export merges later changes against.
func saveSource(ctx context.Context, tx hindsight.Services, pm hindsight.Postmortem, src Source, sum string) error {
	row := &hindsight.ImportSource{IncidentID: pm.Incident.ID, Path: src.Path, SHA256: sum, Markdown: string(src.Markdown),
		DocumentUpdatedAt: pm.Document.UpdatedAt, DocumentUpdatedBy: pm.Document.UpdatedBy}
	if err := tx.SaveImportSource(ctx, row); err != nil {
		return err
	}
	now, err := tx.FindPostmortem(ctx, pm.Incident.ID)
	if err != nil {
		return err
	}
	snap, err := json.Marshal(now)
	if err != nil {
		return hindsight.Errorf(hindsight.EINTERNAL, "encode the imported post-mortem: %v", err)
	}
	row.Snapshot = string(snap)
	return tx.SaveImportSource(ctx, row)
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
