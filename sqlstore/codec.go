package sqlstore

import (
	"database/sql"
	"encoding/json"
	"sort"
	"time"
)

// Times are stored as microseconds since the Unix epoch in UTC, NULL when
// zero or unset: one representation on both engines, which PostgreSQL's
// timestamptz (microseconds) and a backup's round trip preserve exactly.

// ts returns the stored form of t: nil for the zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// tsPtr returns the stored form of an optional time.
func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// fromTS returns the time of a stored value, the zero time for NULL.
func fromTS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// fromTSPtr returns the optional time of a stored value.
func fromTSPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMicro(v.Int64).UTC()
	return &t
}

// normalize returns t as the store will give it back: UTC, to the
// microsecond, the zero time kept zero.
func normalize(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func normalizePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	n := normalize(*t)
	return &n
}

// jsonText marshals v for a TEXT column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only types with unsupported values (channels, NaN) fail; the
		// domain types have none.
		panic("sqlstore: marshal: " + err.Error())
	}
	return string(b)
}

// fromJSON unmarshals a TEXT column into v.
func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// volatile fields change on every write and say nothing of what changed.
var volatile = map[string]bool{"version": true, "updated_at": true, "updated_by": true}

// diff compares the JSON forms of before and after (either may be nil, for a
// creation or a deletion) and returns the names of the changed fields, sorted,
// and those fields' values before and after as JSON objects.
func diff(before, after any) (fields []string, b, a []byte) {
	bm, am := toMap(before), toMap(after)
	keys := map[string]bool{}
	for k := range bm {
		keys[k] = true
	}
	for k := range am {
		keys[k] = true
	}
	for k := range keys {
		if volatile[k] || string(bm[k]) == string(am[k]) {
			continue
		}
		fields = append(fields, k)
	}
	sort.Strings(fields)
	if before != nil {
		b = object(fields, bm)
	}
	if after != nil {
		a = object(fields, am)
	}
	return fields, b, a
}

// object returns the JSON object of m's values of keys, in the order of
// keys (sorted), leaving out those m lacks: what json.Marshal returns for
// that map, since the values come out of json.Marshal, compact and escaped,
// and the keys are field names that need no escaping beyond quoting.
func object(keys []string, m map[string]json.RawMessage) []byte {
	n := 2
	for _, k := range keys {
		n += len(k) + len(m[k]) + 4
	}
	out := make([]byte, 0, n)
	out = append(out, '{')
	first := true
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		kb, _ := json.Marshal(k)
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, v...)
	}
	return append(out, '}')
}

func toMap(v any) map[string]json.RawMessage {
	if v == nil {
		return nil
	}
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal([]byte(jsonText(v)), &m)
	return m
}

// nullText returns nil for an empty byte slice, for a nullable TEXT column.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
