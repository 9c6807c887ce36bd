package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ImportSource records the Markdown file an incident was imported from, so
// that importing the same file again changes nothing and a changed file
// updates the incident.
type ImportSource struct {
	IncidentID string
	// Path is the file as it was named on the command line, for messages.
	Path string
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256     string
	ImportedAt time.Time
	// DocumentUpdatedAt and DocumentUpdatedBy, when set, are the "Last
	// Updated" date and person the source states: the stored document
	// keeps them instead of the import's time and actor, so that years of
	// imported post-mortems do not all read "last updated today" and the
	// document renders back as its source. The history still records the
	// import itself.
	DocumentUpdatedAt time.Time
	DocumentUpdatedBy string
}

// FindImportSource returns the source an incident was last imported from.
// Errors: ENOTFOUND (the incident was never imported from Markdown).
func (tx *Tx) FindImportSource(ctx context.Context, incidentID string) (*ImportSource, error) {
	src := ImportSource{IncidentID: incidentID}
	var at sql.NullInt64
	err := tx.queryRow(ctx, "SELECT path, sha256, imported_at FROM import_sources WHERE incident_id = ?", incidentID).
		Scan(&src.Path, &src.SHA256, &at)
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
	_, err := tx.exec(ctx, `INSERT INTO import_sources (incident_id, path, sha256, imported_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, imported_at = excluded.imported_at`,
		src.IncidentID, src.Path, src.SHA256, ts(src.ImportedAt))
	if err != nil || src.DocumentUpdatedAt.IsZero() {
		return err
	}
	_, err = tx.exec(ctx, "UPDATE documents SET updated_at = ?, updated_by = ? WHERE incident_id = ?",
		ts(normalize(src.DocumentUpdatedAt)), src.DocumentUpdatedBy, src.IncidentID)
	return err
}
