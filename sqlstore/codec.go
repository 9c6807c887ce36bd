package sqlstore

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"sort"
	"strconv"
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
	return diffMaps(toMap(before), toMap(after))
}

// diffMaps is diff of the fields toMap returned (nil for no value).
func diffMaps(bm, am map[string]json.RawMessage) (fields []string, b, a []byte) {
	if bm == nil {
		// A creation: every field of after but the volatile ones.
		fields = make([]string, 0, len(am))
		for k := range am {
			if !volatile[k] {
				fields = append(fields, k)
			}
		}
		sort.Strings(fields)
		if am != nil {
			a = object(fields, am)
		}
		return fields, nil, a
	}
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
	b = object(fields, bm)
	if am != nil {
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
		if plainKey(k) {
			out = strconv.AppendQuote(out, k)
		} else {
			kb, _ := json.Marshal(k)
			out = append(out, kb...)
		}
		out = append(out, ':')
		out = append(out, v...)
	}
	return append(out, '}')
}

// plainKey reports whether k is quoted alike by JSON and Go: letters,
// digits and underscores, as the domain types' field names are.
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// fieldMapper is a value that returns its JSON object's top-level fields
// itself, as toMap would find them by marshalling it whole, at less cost:
// a value holding a large part already encoded.
type fieldMapper interface {
	jsonFields() map[string]json.RawMessage
}

// toMap returns the top-level fields of v's JSON form, each value as
// json.Marshal wrote it.
func toMap(v any) map[string]json.RawMessage {
	if v == nil {
		return nil
	}
	if f, ok := v.(fieldMapper); ok {
		return f.jsonFields()
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("sqlstore: marshal: " + err.Error())
	}
	if m, ok := splitObject(b); ok {
		return m
	}
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &m)
	return m
}

// splitObject splits the compact JSON object b, as json.Marshal writes it,
// into its top-level fields without decoding their values: what
// json.Unmarshal into a map of json.RawMessage gives, at a fraction of the
// cost (revision encoding runs on every write). It reports false for
// anything else, and for a key with escapes, which the caller then decodes
// the slow way.
func splitObject(b []byte) (map[string]json.RawMessage, bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	m := make(map[string]json.RawMessage, 24)
	i := 1
	if b[i] == '}' {
		return m, i == len(b)-1
	}
	for {
		if b[i] != '"' {
			return nil, false
		}
		end := stringEnd(b, i)
		if end < 0 || end+1 >= len(b) || b[end+1] != ':' || bytes.IndexByte(b[i:end], '\\') >= 0 {
			return nil, false
		}
		key := string(b[i+1 : end])
		vstart := end + 2
		vend := valueEnd(b, vstart)
		if vend < 0 || vend >= len(b) {
			return nil, false
		}
		m[key] = json.RawMessage(b[vstart:vend])
		switch {
		case b[vend] == '}' && vend == len(b)-1:
			return m, true
		case b[vend] == ',':
			i = vend + 1
		default:
			return nil, false
		}
		if i >= len(b) {
			return nil, false
		}
	}
}

// stringEnd returns the index of the quote that closes the string starting
// at b[i], or -1.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

// valueEnd returns the index just past the compact JSON value starting at
// b[i]: the ',' or '}' that follows it at depth 0, or -1.
func valueEnd(b []byte, i int) int {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			if j = stringEnd(b, j); j < 0 {
				return -1
			}
		case '{', '[':
			depth++
		case ']':
			depth--
		case '}':
			if depth == 0 {
				return j
			}
			depth--
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// nullText returns nil for an empty byte slice, for a nullable TEXT column.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
