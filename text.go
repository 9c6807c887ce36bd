package hindsight

import (
	"strings"
	"unicode/utf8"
)

// Bounds on text that reaches an index of the store. PostgreSQL refuses an
// index entry over about 2,700 bytes and any text holding a NUL; SQLite
// takes both. Both engines refuse the same input, with these limits, so
// that a store that accepted something can always be copied to the other.
const (
	// MaxNameBytes bounds names: alert names, label and annotation names,
	// services, regions, owners.
	MaxNameBytes = 256
	// MaxTitleBytes bounds titles.
	MaxTitleBytes = 1000
	// MaxKeyBytes bounds keys that are indexed whole: an alert group key, a
	// label value.
	MaxKeyBytes = 2048
	// MaxTextBytes bounds one free-text value: a summary, an annotation, a
	// timeline entry, one narrative field.
	MaxTextBytes = 64 << 10
)

// CheckText adds to v an error naming field when s holds a NUL, is not
// valid UTF-8 or is longer than max bytes (no bound when max is zero or
// less).
func (v *Validation) CheckText(field, s string, max int) {
	if TextOK(s, max) {
		return
	}
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8: send text encoded as UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		v.Add(field, "contains a NUL character, which cannot be stored")
	case max > 0 && len(s) > max:
		v.Add(field, "is %d bytes long; the limit is %d", len(s), max)
	}
}

// TextOK reports whether CheckText accepts s: valid UTF-8 without a NUL,
// at most max bytes long when max is above zero. It lets a caller that
// names fields by building strings build them only for a value refused.
func TextOK(s string, max int) bool {
	return (max <= 0 || len(s) <= max) && strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}

// CheckTexts is CheckText for each of values, named field.
func (v *Validation) CheckTexts(field string, values []string, max int) {
	for _, s := range values {
		v.CheckText(field, s, max)
	}
}
