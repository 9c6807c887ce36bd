package hindsight

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultAttachmentLimit bounds one attachment's size unless configured.
const DefaultAttachmentLimit = 10 << 20

// MaxAttachmentName bounds an attachment's file name.
const MaxAttachmentName = 255

// inlineTypes are the content types shown inline: raster images, which a
// browser cannot run. SVG is never among them (it can carry script).
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Attachment is a file attached to an incident as evidence: a screenshot,
// a log excerpt. The content type is detected from the bytes, never taken
// from the file's name or the upload's header.
type Attachment struct {
	ID          int64  `json:"id"`
	IncidentID  string `json:"incident_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	// Data is the content; lists leave it nil.
	Data      []byte    `json:"data,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// Inline reports whether the attachment may be shown inline: a raster
// image. Everything else is served as a download.
func (a *Attachment) Inline() bool { return inlineTypes[a.ContentType] }

// Validate returns an EINVALID error listing every bad field.
func (a *Attachment) Validate() error {
	var v Validation
	switch {
	case strings.TrimSpace(a.IncidentID) == "":
		v.Add("incident_id", "is required")
	}
	switch {
	case strings.TrimSpace(a.Name) == "":
		v.Add("name", "is required")
	case len(a.Name) > MaxAttachmentName:
		v.Add("name", "is %d bytes, at most %d", len(a.Name), MaxAttachmentName)
	case !utf8.ValidString(a.Name) || strings.ContainsAny(a.Name, "\x00\r\n\"\\/"):
		v.Add("name", "must be a plain file name (no path, quotes or line breaks)")
	}
	if len(a.Data) == 0 {
		v.Add("data", "is empty")
	}
	if a.ContentType == "" {
		v.Add("content_type", "is required")
	}
	return v.Err("attachment")
}

// AttachmentService stores incidents' attachments.
type AttachmentService interface {
	// CreateAttachment stores a, setting its ID, Size, SHA256 and
	// CreatedAt. Errors: EINVALID, ENOTFOUND (no such incident).
	CreateAttachment(ctx context.Context, a *Attachment) error
	// FindAttachments lists an incident's attachments without their data,
	// oldest first.
	FindAttachments(ctx context.Context, incidentID string) ([]*Attachment, error)
	// FindAttachment returns one attachment of an incident with its data.
	// Errors: ENOTFOUND.
	FindAttachment(ctx context.Context, incidentID string, id int64) (*Attachment, error)
}
