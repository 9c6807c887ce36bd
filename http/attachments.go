package http

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/hindsight-sre/hindsight"
)

// AttachmentCSP is the Content-Security-Policy of a served attachment:
// nothing runs, nothing loads, the document is sandboxed.
const AttachmentCSP = "default-src 'none'; sandbox"

// multipartSlack is room for a multipart body's headers and boundaries
// beyond the file itself.
const multipartSlack = 64 << 10

// attachmentLimit is the configured size limit, or the default.
func (s *Server) attachmentLimit() int64 {
	if s.AttachmentLimit > 0 {
		return s.AttachmentLimit
	}
	return hindsight.DefaultAttachmentLimit
}

// readUpload reads the "file" part of a multipart upload, at most limit
// bytes. Errors: EINVALID (no file, not multipart), ETOOLARGE.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (name string, data []byte, err error) {
	limit := s.attachmentLimit()
	r.Body = http.MaxBytesReader(w, r.Body, limit+multipartSlack)
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" || params["boundary"] == "" {
		return "", nil, hindsight.Errorf(hindsight.EINVALID, "send the file as multipart/form-data in a part named \"file\"")
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, hindsight.Errorf(hindsight.EINVALID, "the upload has no part named \"file\"")
		}
		if err != nil {
			return "", nil, uploadError(err, limit)
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			return "", nil, uploadError(err, limit)
		}
		if int64(len(data)) > limit {
			return "", nil, errTooLarge(limit)
		}
		return cleanFileName(part.FileName()), data, nil
	}
}

// errTooLarge is the error of an upload over the limit (413).
func errTooLarge(limit int64) error {
	return hindsight.Errorf(ETOOLARGE, "the file is larger than the attachment limit of %d bytes (evidence.attachment_limit)", limit)
}

func uploadError(err error, limit int64) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errTooLarge(limit)
	}
	return hindsight.Errorf(hindsight.EINVALID, "cannot read the upload: %v", err)
}

// cleanFileName keeps the base name of an uploaded file, without path,
// control characters, quotes or backslashes; "attachment" when nothing is left.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '\\' || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		name = "attachment"
	}
	if len(name) > hindsight.MaxAttachmentName {
		name = name[:hindsight.MaxAttachmentName]
	}
	return strings.ToValidUTF8(name, "")
}

// SniffType returns the content type of data from its bytes alone
// (http.DetectContentType), never from a file name: a PNG named .txt is a
// PNG, an HTML file named .png is HTML, and an SVG is text that is never
// shown inline.
func SniffType(data []byte) string { return http.DetectContentType(data) }

// createAttachment stores an upload for the incident of the request.
func (s *Server) createAttachment(w http.ResponseWriter, r *http.Request) (*hindsight.Attachment, error) {
	if s.Attachments == nil {
		return nil, hindsight.Errorf(hindsight.EUNAVAILABLE, "attachments are not available on this server")
	}
	name, data, err := s.readUpload(w, r)
	if err != nil {
		return nil, err
	}
	a := &hindsight.Attachment{IncidentID: r.PathValue("id"), Name: name, ContentType: SniffType(data), Data: data}
	if err := s.Attachments.CreateAttachment(r.Context(), a); err != nil {
		return nil, err
	}
	a.Data = nil
	return a, nil
}

// handleAttachmentCreate stores the "file" part of a multipart upload as
// an attachment of the incident. Files over the limit get 413.
func (s *Server) handleAttachmentCreate(w http.ResponseWriter, r *http.Request) {
	a, err := s.createAttachment(w, r)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// handleAttachmentList lists an incident's attachments without their data.
func (s *Server) handleAttachmentList(w http.ResponseWriter, r *http.Request) {
	if s.Attachments == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "attachments are not available on this server"))
		return
	}
	if _, err := s.Incidents.FindIncidentByID(r.Context(), r.PathValue("id")); err != nil {
		Error(w, r, err)
		return
	}
	list, err := s.Attachments.FindAttachments(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"attachments": list})
}

// handleAttachmentGet serves one attachment: a raster image inline with
// its sniffed type, anything else (SVG and HTML included) as a download,
// application/octet-stream with Content-Disposition: attachment. Either
// way under a sandboxing CSP and nosniff.
func (s *Server) handleAttachmentGet(w http.ResponseWriter, r *http.Request) {
	if s.Attachments == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "attachments are not available on this server"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("attachment"), 10, 64)
	if err != nil {
		Error(w, r, hindsight.Errorf(hindsight.ENOTFOUND, "no attachment %q", r.PathValue("attachment")))
		return
	}
	a, err := s.Attachments.FindAttachment(r.Context(), r.PathValue("id"), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", AttachmentCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
	if a.Inline() {
		h.Set("Content-Type", a.ContentType)
		disposition = mime.FormatMediaType("inline", map[string]string{"filename": a.Name})
	} else {
		h.Set("Content-Type", "application/octet-stream")
	}
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	_, _ = w.Write(a.Data)
}
