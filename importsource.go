package hindsight

import (
	"context"
	"time"
)

// ImportSource records the Markdown an incident was imported from, so that
// importing the same file again changes nothing, a changed file updates the
// incident, and an export gives the person's document back as written.
type ImportSource struct {
	IncidentID string
	// Path is the file as it was named on the command line, or the API
	// route, for messages.
	Path string
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256     string
	ImportedAt time.Time
	// Markdown is the document as imported; empty for sources recorded
	// before it was kept.
	Markdown string
	// Snapshot is the post-mortem as the import stored it, JSON: an export
	// renders it and the current post-mortem and applies their difference
	// to Markdown, so what the store changed since shows and the rest stays
	// as the person wrote it.
	Snapshot string
	// DocumentUpdatedAt and DocumentUpdatedBy, when set, are the "Last
	// Updated" date and person the source states: the stored document
	// keeps them instead of the import's time and actor, so that years of
	// imported post-mortems do not all read "last updated today" and the
	// document renders back as its source. The history still records the
	// import itself.
	DocumentUpdatedAt time.Time
	DocumentUpdatedBy string
}

// ImportSourceService is the record of where imported incidents came from.
// A store's transactions implement it beside Services.
type ImportSourceService interface {
	// FindImportSource returns the source an incident was last imported
	// from. Errors: ENOTFOUND (the incident was never imported from Markdown).
	FindImportSource(ctx context.Context, incidentID string) (*ImportSource, error)
	// SaveImportSource records src, replacing the incident's previous source,
	// sets ImportedAt, and gives the incident's document the source's last
	// update when src names one. Errors: ENOTFOUND (no such incident).
	SaveImportSource(ctx context.Context, src *ImportSource) error
}
