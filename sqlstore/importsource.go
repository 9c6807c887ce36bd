package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/hindsight-sre/hindsight"
)

// ImportSource is the root package's record of an imported document.
type ImportSource = hindsight.ImportSource

// FindImportSource returns the source an incident was last imported from.
// Errors: ENOTFOUND (the incident was never imported from Markdown).
func (tx *Tx) FindImportSource(ctx context.Context, incidentID string) (*ImportSource, error) {
	src := ImportSource{IncidentID: incidentID}
	var at sql.NullInt64
	err := tx.queryRow(ctx, "SELECT path, sha256, imported_at, markdown, snapshot FROM import_sources WHERE incident_id = ?", incidentID).
		Scan(&src.Path, &src.SHA256, &at, &src.Markdown, &src.Snapshot)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("import source of incident", incidentID)
	}
	if err != nil {
		return nil, tx.d.mapError(err)
	}
	src.ImportedAt = fromTS(at)
	return &src, nil
}

// SaveImportSource records src, replacing the incident's previous source,
// sets ImportedAt, and gives the incident's document the source's last
// update when src names one. Errors: ENOTFOUND (no such incident).
func (tx *Tx) SaveImportSource(ctx context.Context, src *ImportSource) error {
	if _, _, err := tx.lockIncident(ctx, src.IncidentID); err != nil {
		return err
	}
	src.ImportedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO import_sources (incident_id, path, sha256, imported_at, markdown, snapshot) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, imported_at = excluded.imported_at,
			markdown = excluded.markdown, snapshot = excluded.snapshot`,
		src.IncidentID, src.Path, src.SHA256, ts(src.ImportedAt), src.Markdown, src.Snapshot)
	if err != nil || src.DocumentUpdatedAt.IsZero() {
		return err
	}
	_, err = tx.exec(ctx, "UPDATE documents SET updated_at = ?, updated_by = ? WHERE incident_id = ?",
		ts(normalize(src.DocumentUpdatedAt)), src.DocumentUpdatedBy, src.IncidentID)
	return err
}

// FindImportSource returns the source an incident was last imported from.
// Errors: ENOTFOUND.
func (s *Store) FindImportSource(ctx context.Context, incidentID string) (src *ImportSource, err error) {
	err = s.view(ctx, func(tx *Tx) error { src, err = tx.FindImportSource(ctx, incidentID); return err })
	return src, err
}
