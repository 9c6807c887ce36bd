package hindsight_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/hindsight-sre/hindsight"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
		err  bool
	}{
		{name: "words", text: "database timeout", want: []string{"database", "timeout"}},
		{name: "repeats count once", text: strings.Repeat("database ", 100), want: []string{"database"}},
		{name: "case folds", text: "Database DATABASE database", want: []string{"Database"}},
		{name: "operators are separators", text: `"api" OR NOT db* -x (y)`, want: []string{"api", "OR", "NOT", "db", "x", "y"}},
		{name: "unicode words", text: "Überlast 東京 café", want: []string{"Überlast", "東京", "café"}},
		{name: "no word", text: " -- ** ", err: true},
		{name: "too many words", text: "a b c d e f g h i j k l m n o p q", err: true},
		{name: "too long", text: strings.Repeat("ab ", 400), err: true},
		{name: "long word", text: strings.Repeat("x", 101), err: true},
		{name: "not UTF-8", text: "a\xffb", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hindsight.SearchTerms(tt.text)
			if tt.err {
				var e *hindsight.Error
				if !errors.As(err, &e) || e.Code != hindsight.EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != "text" {
					t.Fatalf("got %v, %v; want EINVALID naming text", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// FuzzSearchTerms: whatever the text, the parser either refuses it with an
// EINVALID naming text or returns between 1 and MaxSearchTerms distinct,
// non-empty words made only of letters and digits, each found in the text.
func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"database timeout", `"a" OR b*`, strings.Repeat("x ", 600), "Überlast\x00東京", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms, err := hindsight.SearchTerms(text)
		if err != nil {
			var e *hindsight.Error
			if !errors.As(err, &e) || e.Code != hindsight.EINVALID || e.Fields[0].Field != "text" {
				t.Fatalf("%q: unexpected error %v", text, err)
			}
			return
		}
		if len(terms) == 0 || len(terms) > hindsight.MaxSearchTerms {
			t.Fatalf("%q: %d terms", text, len(terms))
		}
		seen := map[string]bool{}
		for _, w := range terms {
			if w == "" || !strings.Contains(text, w) || seen[strings.ToLower(w)] {
				t.Fatalf("%q: bad term %q in %q", text, w, terms)
			}
			seen[strings.ToLower(w)] = true
			for _, r := range w {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					t.Fatalf("%q: term %q holds %q", text, w, r)
				}
			}
		}
	})
}
