package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

var (
	_ hindsight.AttachmentService = (*Store)(nil)
	_ hindsight.AttachmentService = (*Tx)(nil)
)

// EntityAttachment is the revision entity of an attachment.
const EntityAttachment = "attachment"

// attachmentMeta are the columns of an attachment without its data.
const attachmentMeta = "id, incident_id, name, content_type, size, sha256, created_by, created_at"

// CreateAttachment validates and stores an attachment.
func (tx *Tx) CreateAttachment(ctx context.Context, a *hindsight.Attachment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := tx.lockIncidentOnce(ctx, a.IncidentID); err != nil {
		return err
	}
	sum := sha256.Sum256(a.Data)
	a.Size, a.SHA256, a.CreatedAt = int64(len(a.Data)), hex.EncodeToString(sum[:]), tx.now
	if a.CreatedBy == "" {
		a.CreatedBy = hindsight.ActorFromContext(ctx)
	}
	if err := tx.insertAttachment(ctx, a); err != nil {
		return err
	}
	meta := *a
	meta.Data = nil
	return tx.record(ctx, a.IncidentID, EntityAttachment, strconv.FormatInt(a.ID, 10), 0, nil, meta)
}

// insertAttachment writes a as it is; an ID of 0 takes the next one.
func (tx *Tx) insertAttachment(ctx context.Context, a *hindsight.Attachment) error {
	args := []any{a.IncidentID, a.Name, a.ContentType, a.Size, a.SHA256, a.CreatedBy, ts(a.CreatedAt), a.Data}
	cols := strings.TrimPrefix(attachmentMeta, "id, ") + ", data"
	if a.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO attachments (id, "+cols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", append([]any{a.ID}, args...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO attachments ("+cols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", args...).Scan(&a.ID)
	return tx.d.mapError(err)
}

// FindAttachments lists an incident's attachments without their data.
func (tx *Tx) FindAttachments(ctx context.Context, incidentID string) ([]*hindsight.Attachment, error) {
	rows, err := tx.query(ctx, "SELECT "+attachmentMeta+" FROM attachments WHERE incident_id = ? ORDER BY id", incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hindsight.Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows, false)
		if err != nil {
			return nil, tx.d.mapError(err)
		}
		out = append(out, a)
	}
	return out, tx.d.mapError(rows.Err())
}

// FindAttachment returns one attachment of an incident with its data.
func (tx *Tx) FindAttachment(ctx context.Context, incidentID string, id int64) (*hindsight.Attachment, error) {
	a, err := scanAttachment(tx.queryRow(ctx, "SELECT "+attachmentMeta+", data FROM attachments WHERE incident_id = ? AND id = ?", incidentID, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("attachment", strconv.FormatInt(id, 10)+" of incident "+incidentID)
	}
	if err != nil {
		return nil, tx.d.mapError(err)
	}
	return a, nil
}

func scanAttachment(sc scanner, withData bool) (*hindsight.Attachment, error) {
	var a hindsight.Attachment
	var created sql.NullInt64
	dest := []any{&a.ID, &a.IncidentID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedBy, &created}
	if withData {
		dest = append(dest, &a.Data)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	a.CreatedAt = fromTS(created)
	return &a, nil
}

// CreateAttachment validates and stores an attachment.
func (s *Store) CreateAttachment(ctx context.Context, a *hindsight.Attachment) error {
	return s.update(ctx, func(tx *Tx) error { return tx.CreateAttachment(ctx, a) })
}

// FindAttachments lists an incident's attachments without their data.
func (s *Store) FindAttachments(ctx context.Context, incidentID string) (out []*hindsight.Attachment, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindAttachments(ctx, incidentID); return err })
	return out, err
}

// FindAttachment returns one attachment of an incident with its data.
func (s *Store) FindAttachment(ctx context.Context, incidentID string, id int64) (a *hindsight.Attachment, err error) {
	err = s.view(ctx, func(tx *Tx) error { a, err = tx.FindAttachment(ctx, incidentID, id); return err })
	return a, err
}
