package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

const documentCols = "incident_id, status, author, generator, generated_at, narrative, next_review_date, timeline_edited, summary_edited, version, updated_at, updated_by, approved_at, approved_markdown"

// documentArgs are the values of a documents row.
func documentArgs(enc encodedDocument) []any {
	d := enc.Document
	return []any{d.IncidentID, string(d.Status), d.Author, d.Generator, ts(d.GeneratedAt), string(enc.Narrative),
		ts(d.NextReviewDate), d.TimelineEdited, d.SummaryEdited, d.Version, ts(d.UpdatedAt), d.UpdatedBy, tsPtr(d.ApprovedAt), d.ApprovedMarkdown}
}

func scanDocument(sc scanner) (*hindsight.Document, error) {
	var d hindsight.Document
	var narrative string
	var generated, review, updated, approved sql.NullInt64
	if err := sc.Scan(&d.IncidentID, &d.Status, &d.Author, &d.Generator, &generated, &narrative, &review,
		&d.TimelineEdited, &d.SummaryEdited, &d.Version, &updated, &d.UpdatedBy, &approved, &d.ApprovedMarkdown); err != nil {
		return nil, err
	}
	d.GeneratedAt, d.NextReviewDate, d.UpdatedAt = fromTS(generated), fromTS(review), fromTS(updated)
	d.ApprovedAt = fromTSPtr(approved)
	return &d, fromJSON(narrative, &d.Narrative)
}

// validateDocument returns an EINVALID error listing every bad field.
func validateDocument(d *hindsight.Document) error {
	var v hindsight.Validation
	if strings.TrimSpace(d.IncidentID) == "" {
		v.Add("incident_id", "is required")
	}
	if !d.Status.Valid() {
		v.Add("status", "must be DRAFT, UNDER REVIEW, APPROVED or ARCHIVED, got %q", d.Status)
	}
	d.Narrative.Check(&v)
	return v.Err("document")
}

// FindDocument returns the document of an incident.
func (tx *Tx) FindDocument(ctx context.Context, incidentID string) (*hindsight.Document, error) {
	d, err := scanDocument(tx.queryRow(ctx, "SELECT "+documentCols+" FROM documents WHERE incident_id = ?", incidentID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("post-mortem of incident", incidentID)
	}
	return d, tx.d.mapError(err)
}

// CreateDocument stores the first document of an incident at version 1.
func (tx *Tx) CreateDocument(ctx context.Context, d *hindsight.Document) error {
	if err := validateDocument(d); err != nil {
		return err
	}
	if err := tx.lockIncidentOnce(ctx, d.IncidentID); err != nil {
		return err
	}
	d.GeneratedAt, d.NextReviewDate = normalize(d.GeneratedAt), normalize(d.NextReviewDate)
	d.ApprovedAt = normalizePtr(d.ApprovedAt)
	d.Version, d.UpdatedAt, d.UpdatedBy = 1, tx.now, hindsight.ActorFromContext(ctx)
	enc := encodeNarrative(d)
	var err error
	if tx.fresh[d.IncidentID] {
		// The incident is this transaction's, with no alert state yet:
		// the intake's new incident, whose draft may be held (deferred.go).
		err = tx.addRows(ctx, heldDocuments, documentArgs(enc))
	} else {
		err = tx.insertDocument(ctx, enc)
	}
	if err != nil {
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			return hindsight.Errorf(hindsight.ECONFLICT, "incident %s already has a post-mortem", d.IncidentID)
		}
		return err
	}
	if err := tx.record(ctx, d.IncidentID, hindsight.EntityDocument, d.IncidentID, d.Version, nil, enc); err != nil {
		return err
	}
	return tx.reindexLater(d.IncidentID)
}

func (tx *Tx) insertDocument(ctx context.Context, enc encodedDocument) error {
	return tx.insertNow(ctx, heldDocuments, documentArgs(enc))
}

// encodedDocument is a document whose narrative is already encoded: a
// write stores the narrative and records it in the revision from one
// encoding (the narrative is most of a document's bytes, and every new
// incident's draft is written on the webhook's path). Its JSON is the
// document's: the outer field hides the embedded one.
type encodedDocument struct {
	*hindsight.Document
	Narrative json.RawMessage `json:"narrative"`
}

// encodeNarrative encodes d's narrative once, for its row and its revision.
func encodeNarrative(d *hindsight.Document) encodedDocument {
	return encodedDocument{Document: d, Narrative: json.RawMessage(jsonText(d.Narrative))}
}

// jsonFields returns the document's fields with the narrative as already
// encoded: marshalling the whole would encode it again, and compact its
// bytes once more, on every draft the webhook opens.
func (e encodedDocument) jsonFields() map[string]json.RawMessage {
	d := *e.Document
	d.Narrative = hindsight.Narrative{}
	m := toMap(&d)
	m["narrative"] = e.Narrative
	return m
}

// UpdateDocument replaces a document still at expectedVersion.
func (tx *Tx) UpdateDocument(ctx context.Context, d *hindsight.Document, expectedVersion int) error {
	if err := validateDocument(d); err != nil {
		return err
	}
	if _, _, err := tx.lockIncident(ctx, d.IncidentID); err != nil {
		return err
	}
	before, err := tx.FindDocument(ctx, d.IncidentID)
	if err != nil {
		return err
	}
	if before.Version != expectedVersion {
		return tx.staleError(ctx, "post-mortem of incident", hindsight.EntityDocument, d.IncidentID, expectedVersion, before.Version)
	}
	if before.Status == hindsight.DocArchived {
		return hindsight.Errorf(hindsight.ECONFLICT, "the post-mortem of %s is ARCHIVED and read-only", d.IncidentID)
	}
	if before.Status != d.Status {
		if err := before.Status.CanTransition(d.Status); err != nil {
			return err
		}
	}
	d.GeneratedAt, d.NextReviewDate = normalize(d.GeneratedAt), normalize(d.NextReviewDate)
	d.ApprovedAt = normalizePtr(d.ApprovedAt)
	d.Version, d.UpdatedAt, d.UpdatedBy = before.Version+1, tx.now, hindsight.ActorFromContext(ctx)
	enc := encodeNarrative(d)
	args := append(documentArgs(enc)[1:], d.IncidentID)
	if _, err := tx.exec(ctx, `UPDATE documents SET status = ?, author = ?, generator = ?, generated_at = ?, narrative = ?,
		next_review_date = ?, timeline_edited = ?, summary_edited = ?, version = ?, updated_at = ?, updated_by = ?,
		approved_at = ?, approved_markdown = ? WHERE incident_id = ?`, args...); err != nil {
		return err
	}
	if err := tx.record(ctx, d.IncidentID, hindsight.EntityDocument, d.IncidentID, d.Version, before, enc); err != nil {
		return err
	}
	return tx.reindexLater(d.IncidentID)
}
