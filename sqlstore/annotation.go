package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/hindsight-sre/hindsight"
)

var (
	_ hindsight.AnnotationService = (*Store)(nil)
	_ hindsight.AnnotationService = (*Tx)(nil)
)

// FindAnnotation returns an incident's Grafana annotation record.
func (tx *Tx) FindAnnotation(ctx context.Context, incidentID string) (*hindsight.Annotation, error) {
	var a hindsight.Annotation
	var updated sql.NullInt64
	err := tx.queryRow(ctx, "SELECT incident_id, annotation_id, closed, updated_at FROM grafana_annotations WHERE incident_id = ?",
		incidentID).Scan(&a.IncidentID, &a.AnnotationID, &a.Closed, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Grafana annotation of incident", incidentID)
	}
	if err != nil {
		return nil, tx.d.mapError(err)
	}
	a.UpdatedAt = fromTS(updated)
	return &a, nil
}

// SaveAnnotation stores an incident's Grafana annotation record.
func (tx *Tx) SaveAnnotation(ctx context.Context, a *hindsight.Annotation) error {
	if err := tx.lockToSave(ctx, a.IncidentID, "Grafana annotation"); err != nil {
		return err
	}
	a.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO grafana_annotations (incident_id, annotation_id, closed, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET annotation_id = EXCLUDED.annotation_id, closed = EXCLUDED.closed,
		updated_at = EXCLUDED.updated_at`, a.IncidentID, a.AnnotationID, a.Closed, ts(a.UpdatedAt))
	return err
}

// FindAnnotation returns an incident's Grafana annotation record.
func (s *Store) FindAnnotation(ctx context.Context, incidentID string) (a *hindsight.Annotation, err error) {
	err = s.view(ctx, func(tx *Tx) error { a, err = tx.FindAnnotation(ctx, incidentID); return err })
	return a, err
}

// SaveAnnotation stores an incident's Grafana annotation record.
func (s *Store) SaveAnnotation(ctx context.Context, a *hindsight.Annotation) error {
	return s.update(ctx, func(tx *Tx) error { return tx.SaveAnnotation(ctx, a) })
}
