package hindsight

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes shared by every layer. The HTTP layer maps each to one status.
const (
	ECONFLICT     = "conflict"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	// EUNAVAILABLE marks a transient fault (a store that is down, a timeout):
	// callers such as Alertmanager are expected to retry.
	EUNAVAILABLE = "unavailable"
)

// Error is the one error type of the domain. Message is written for the user:
// it says what was wrong and, where it can, what to do.
type Error struct {
	Code    string
	Message string
	// Fields lists every invalid field when Code is EINVALID.
	Fields []FieldError
}

// FieldError names one invalid field and why it is invalid.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	if e.Message == "" {
		return strings.Join(parts, "; ")
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Errors that are not an
// *Error are internal and their text is not shown to users.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}

// Validation collects field errors so that a validation error can list every
// bad field at once rather than the first one only.
type Validation struct {
	fields []FieldError
}

// Add records that field is invalid.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, else an EINVALID *Error listing the
// fields in a stable order.
func (v *Validation) Err(what string) error {
	if len(v.fields) == 0 {
		return nil
	}
	fields := append([]FieldError(nil), v.fields...)
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return &Error{Code: EINVALID, Message: "invalid " + what, Fields: fields}
}
