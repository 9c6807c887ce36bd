package http

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// codes maps each domain error code onto one HTTP status. Alertmanager retries
// 5xx answers and gives up on 4xx, so only transient faults are 5xx.
var codes = map[string]int{
	hindsight.ECONFLICT:     http.StatusConflict,
	hindsight.EINVALID:      http.StatusBadRequest,
	hindsight.ENOTFOUND:     http.StatusNotFound,
	hindsight.EUNAUTHORIZED: http.StatusUnauthorized,
	hindsight.EFORBIDDEN:    http.StatusForbidden,
	hindsight.EINTERNAL:     http.StatusInternalServerError,
	hindsight.EUNAVAILABLE:  http.StatusServiceUnavailable,
	ETOOLARGE:               http.StatusRequestEntityTooLarge,
	EMEDIATYPE:              http.StatusUnsupportedMediaType,
}

// ETOOLARGE is the code of a request body above the configured limit.
const ETOOLARGE = "too_large"

// ErrorStatusCode returns the HTTP status for a domain error code.
func ErrorStatusCode(code string) int {
	if s, ok := codes[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorResponse is the JSON body of every error answer.
type errorResponse struct {
	Error  string                 `json:"error"`
	Code   string                 `json:"code"`
	Fields []hindsight.FieldError `json:"fields,omitempty"`
}

// Error writes err as a JSON error answer. Internal errors are logged with
// their detail and shown to the client only as "internal error".
func Error(w http.ResponseWriter, r *http.Request, err error) {
	code := hindsight.ErrorCode(err)
	if code == hindsight.EINTERNAL || code == hindsight.EUNAVAILABLE {
		slog.Error("request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	}
	resp := errorResponse{Error: hindsight.ErrorMessage(err), Code: code}
	if e, ok := err.(*hindsight.Error); ok {
		resp.Fields = e.Fields
	}
	writeJSON(w, ErrorStatusCode(code), resp)
}

// writeJSON writes v with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
