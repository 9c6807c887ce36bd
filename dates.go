package hindsight

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// AddMonths adds n calendar months to t, clamping to the last day of the target
// month: January 31 plus one month is February 28 (or 29), never March 3.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

// Horizon is how soon a corrective action must be done.
type Horizon string

// The three horizons of the seed's corrective-action tables.
const (
	HorizonImmediate Horizon = "immediate" // within 1 week
	HorizonMedium    Horizon = "medium"    // within 1 month
	HorizonLong      Horizon = "long"      // within 1 quarter
)

// Horizons lists the horizons, soonest first.
var Horizons = []Horizon{HorizonImmediate, HorizonMedium, HorizonLong}

// Valid reports whether h is a known horizon.
func (h Horizon) Valid() bool {
	return h == HorizonImmediate || h == HorizonMedium || h == HorizonLong
}

// DueDate returns the default due date of an action of horizon h for an
// incident that started at start: +7 days, +1 calendar month or +3 calendar
// months, month ends clamped.
func (h Horizon) DueDate(start time.Time) time.Time {
	switch h {
	case HorizonMedium:
		return AddMonths(start, 1)
	case HorizonLong:
		return AddMonths(start, 3)
	default:
		return start.AddDate(0, 0, 7)
	}
}

// NextReviewDate is the date a post-mortem is reviewed again: six calendar
// months after the incident started, month ends clamped.
func NextReviewDate(start time.Time) time.Time {
	return AddMonths(start, 6)
}

// ParseTime accepts RFC 3339 or "YYYY-MM-DD HH:MM" (taken as UTC) and returns
// the time in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, Errorf(EINVALID, "cannot read time %q: use RFC 3339 (2025-09-30T00:24:00Z) or \"YYYY-MM-DD HH:MM\" in UTC", s)
}

func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, unit)
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

var durationTextRE = regexp.MustCompile(`^(?:(\d+)\s*hours?)?\s*(?:(\d+(?:\.\d+)?)\s*min(?:ute)?s?)?$`)

// ParseDurationText reads a duration as FormatDuration and people write it
// ("1 hour 25 minutes", "46 minutes", "2 hours") and returns it in minutes.
func ParseDurationText(s string) (float64, bool) {
	m := durationTextRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || (m[1] == "" && m[2] == "") {
		return 0, false
	}
	var minutes float64
	if m[1] != "" {
		h, _ := strconv.Atoi(m[1])
		minutes = float64(h) * 60
	}
	if m[2] != "" {
		v, _ := strconv.ParseFloat(m[2], 64)
		minutes += v
	}
	return minutes, true
}
