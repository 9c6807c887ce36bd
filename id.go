package hindsight

import (
	"strings"
	"time"
	"unicode"
)

// maxSlugLen bounds the slug so that IDs and file names stay usable on every
// file system (a 300-character alert name must not make a 300-byte file name).
const maxSlugLen = 60

// Slug turns a name into a lower-case ASCII identifier: letters and digits
// kept, accents dropped (é → e), every other run of characters becomes one
// hyphen. "HighAPIErrorRate" becomes "highapierrorrate", "DB: Replica lag!"
// becomes "db-replica-lag". A name with nothing usable gives "incident".
func Slug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range name {
		r = foldAccent(r)
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
		if b.Len() >= maxSlugLen {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > maxSlugLen {
		s = strings.Trim(s[:maxSlugLen], "-")
	}
	if s == "" {
		return "incident"
	}
	return s
}

// foldAccent maps common Latin letters with diacritics onto their base letter,
// without pulling in a Unicode normalisation library.
func foldAccent(r rune) rune {
	if r < 0xC0 || r > 0x17F {
		return r
	}
	const from = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ"
	const to = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy"
	fromR, toR := []rune(from), []rune(to)
	for i, f := range fromR {
		if f == r {
			return toR[i]
		}
	}
	return r
}

// IncidentID returns the stable ID of an incident started at start (taken in
// UTC) for the given alert name: INCIDENT-20250930-0024-highapierrorrate.
func IncidentID(start time.Time, alertName string) string {
	return "INCIDENT-" + start.UTC().Format("20060102-1504") + "-" + Slug(alertName)
}

// DocumentFileName returns the file name of a post-mortem: 2025-09-30-highapierrorrate.md.
func DocumentFileName(start time.Time, alertName string) string {
	return start.UTC().Format("2006-01-02") + "-" + Slug(alertName) + ".md"
}
