package hindsight

import "time"

// The window of times Hindsight stores. Every time a caller sends (an
// alert's startsAt and endsAt, an incident's start and resolution, a
// timeline event, an action's due date) must lie inside it. The upper bound
// leaves room for the dates derived from a start (due dates up to three
// months later, the review date six months later) to stay within year 9999,
// the last year RFC 3339 and the stores' JSON encoding can write; the lower
// bound is the Unix epoch, before which no alert was ever sent.
var (
	// EarliestTime is the earliest time accepted.
	EarliestTime = time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)
	// LatestTime is the first time no longer accepted.
	LatestTime = time.Date(9000, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// StorableTime reports whether t lies in [EarliestTime, LatestTime).
func StorableTime(t time.Time) bool {
	return !t.Before(EarliestTime) && t.Before(LatestTime)
}

// CheckTime adds to v an error naming field when t is set (not the zero
// time) and outside the window the stores hold. The zero time means unset
// and is left to the caller's own "is required" rule.
func (v *Validation) CheckTime(field string, t time.Time) {
	if t.IsZero() || StorableTime(t) {
		return
	}
	v.Add(field, "%s is outside the times Hindsight stores (%s to %s)",
		t.UTC().Format(time.RFC3339), EarliestTime.Format("2006-01-02"), LatestTime.Format("2006-01-02"))
}

// CheckTimePtr is CheckTime for an optional time.
func (v *Validation) CheckTimePtr(field string, t *time.Time) {
	if t != nil {
		v.CheckTime(field, *t)
	}
}
