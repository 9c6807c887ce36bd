package hindsight

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on a search. Every word of a query is required, so a query of many
// words costs the engines work for each (on SQLite a phrase per word; on
// PostgreSQL a term of the tsquery, matched against every candidate);
// repeated words add nothing but cost.
const (
	// MaxSearchBytes bounds the text of a query.
	MaxSearchBytes = 1000
	// MaxSearchTerms bounds the distinct words of a query.
	MaxSearchTerms = 16
	// MaxSearchTermBytes bounds one word; longer ones match nothing anyway
	// (PostgreSQL does not index words over 2,047 bytes).
	MaxSearchTermBytes = 100
)

// SearchTerms splits the text of a search into its distinct words, in
// order of first appearance: runs of letters and digits, compared without
// case ("Database database" is one word). Everything else (operators,
// quotes, punctuation) separates words and is never interpreted. It returns
// an EINVALID error naming "text" for text with no word, longer than
// MaxSearchBytes, with a word over MaxSearchTermBytes, or with more than
// MaxSearchTerms distinct words.
func SearchTerms(text string) ([]string, error) {
	var v Validation
	switch {
	case !utf8.ValidString(text):
		v.Add("text", "is not valid UTF-8")
	case len(text) > MaxSearchBytes:
		v.Add("text", "is %d bytes long; a search takes at most %d bytes: search for fewer, more specific words", len(text), MaxSearchBytes)
	}
	if err := v.Err("search"); err != nil {
		return nil, err
	}
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := make(map[string]bool, len(words))
	terms := make([]string, 0, min(len(words), MaxSearchTerms))
	for _, w := range words {
		key := strings.ToLower(w)
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(w) > MaxSearchTermBytes {
			v.Add("text", "has a word of %d bytes; the limit is %d", len(w), MaxSearchTermBytes)
			return nil, v.Err("search")
		}
		terms = append(terms, w)
	}
	switch {
	case len(terms) == 0:
		v.Add("text", "is required: give at least one word")
	case len(terms) > MaxSearchTerms:
		v.Add("text", "has %d different words; a search takes at most %d: every word is required, so fewer, more specific words find as much", len(terms), MaxSearchTerms)
	}
	if err := v.Err("search"); err != nil {
		return nil, err
	}
	return terms, nil
}
