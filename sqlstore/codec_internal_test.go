package sqlstore

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// TestToMap: the fast split of a marshalled object gives exactly what
// json.Unmarshal into a map of raw values gives, for values whose strings
// hold quotes, backslashes, braces, commas and odd Unicode, nested objects
// and arrays, and empty ones.
func TestToMap(t *testing.T) {
	end := time.Date(2026, 2, 29-1, 23, 59, 59, 999999000, time.UTC)
	odd := "quote \" back \\ brace } { [ ] , : \u2028 \u00e9\u0301 \U0001F525 <script>&"
	values := []any{
		&hindsight.Incident{ID: "INCIDENT-x", Title: odd, Summary: `{"a":1}`, Services: []string{odd, ""},
			Labels: map[string]string{odd: odd, "": "}"}, ResolvedAt: &end},
		&hindsight.Document{IncidentID: "x", Narrative: hindsight.Narrative{Impact: odd,
			Whys: []hindsight.Why{{Answer: "]"}}, WentWell: []hindsight.Field{{Label: "\\\"", Value: "{"}}}},
		&hindsight.TimelineEvent{Event: odd},
		map[string]any{},
		map[string]any{"nested": map[string]any{"deep": []any{map[string]any{}, []any{}, nil, 1.5, odd}}},
		map[string]any{"k\"ey": 1}, // an escaped key: decoded the slow way
	}
	for i, v := range values {
		b, _ := json.Marshal(v)
		want := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		got := toMap(v)
		if !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
			t.Errorf("value %d: toMap %v, want %v", i, got, want)
		}
	}
	for _, bad := range []string{``, `{`, `[]`, `{"a"}`, `{"a":}x`, `{"a":1,}`, `{"a":"1}`, `{"a":1`} {
		if m, ok := splitObject([]byte(bad)); ok {
			t.Errorf("splitObject(%q) = %v, true; want false", bad, m)
		}
	}
}

// TestDiff_Creation: a creation's revision holds every field but the
// volatile ones, as json.Marshal writes that map (keys sorted), also for a
// key that needs escaping.
func TestDiff_Creation(t *testing.T) {
	for i, v := range []any{
		&hindsight.Incident{ID: "x", Title: "quote \" <b>", Version: 3, Labels: map[string]string{"a<": "&"}},
		map[string]any{"k<\"ey": 1, "version": 2, "z": []int{1}},
	} {
		m := toMap(v)
		for k := range volatile {
			delete(m, k)
		}
		want, _ := json.Marshal(m)
		fields, b, a := diff(nil, v)
		if b != nil || string(a) != string(want) || len(fields) != len(m) {
			t.Errorf("value %d: diff = %v, %s, %s; want the fields of %s", i, fields, b, a, want)
		}
	}
}

// TestEncodedDocument_SameRevision: a document whose narrative was encoded
// once for its row (encodeNarrative) gives the revision, created and
// changed, that the document itself gives, byte for byte, and the row's
// narrative is the narrative's JSON.
func TestEncodedDocument_SameRevision(t *testing.T) {
	odd := "quote \" back \\ <!-- --> \u2028 \U0001F525 & [^1]"
	before := &hindsight.Document{IncidentID: "INCIDENT-x", Status: hindsight.DocDraft, Author: "ana", Version: 1,
		GeneratedAt: time.Date(2026, 12, 5, 13, 0, 0, 0, time.UTC),
		Narrative: hindsight.Narrative{Impact: odd, Whys: []hindsight.Why{{Question: "Why?", Answer: odd}},
			WentWell: []hindsight.Field{{Label: "Alerting", Value: odd}}}}
	after := *before
	after.Version, after.Status = 2, hindsight.DocUnderReview
	after.Narrative.RootCause = "a full disk"
	approved := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	after.ApprovedAt = &approved

	for _, tt := range []struct {
		name          string
		before, after *hindsight.Document
	}{{"creation", nil, before}, {"change", before, &after}} {
		wantFields, wantB, wantA := diff(asAny(tt.before), tt.after)
		gotFields, gotB, gotA := diff(asAny(tt.before), encodeNarrative(tt.after))
		if !slices.Equal(gotFields, wantFields) || string(gotB) != string(wantB) || string(gotA) != string(wantA) {
			t.Errorf("%s: encoded revision\n%v\n%s\n%s\nwant\n%v\n%s\n%s", tt.name, gotFields, gotB, gotA, wantFields, wantB, wantA)
		}
	}
	want, _ := json.Marshal(after.Narrative)
	if got := documentArgs(encodeNarrative(&after))[5]; got != string(want) {
		t.Errorf("row narrative %v, want %s", got, want)
	}
}

// asAny keeps a nil document a nil interface, as record's callers pass it.
func asAny(d *hindsight.Document) any {
	if d == nil {
		return nil
	}
	return d
}
