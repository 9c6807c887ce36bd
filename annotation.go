package hindsight

import (
	"context"
	"time"
)

// Annotation is the region annotation written to Grafana for an incident:
// from its start to its resolution, tagged "incident" and its ID.
type Annotation struct {
	IncidentID string `json:"incident_id"`
	// AnnotationID is Grafana's ID of the annotation.
	AnnotationID int64 `json:"annotation_id"`
	// Closed is set once the resolution was written as the region's end.
	Closed    bool      `json:"closed"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AnnotationService records the Grafana annotations written for incidents.
type AnnotationService interface {
	// FindAnnotation returns an incident's annotation. Errors: ENOTFOUND.
	FindAnnotation(ctx context.Context, incidentID string) (*Annotation, error)
	// SaveAnnotation stores a, replacing the incident's earlier record.
	// Errors: EINVALID, ENOTFOUND (no such incident).
	SaveAnnotation(ctx context.Context, a *Annotation) error
}
