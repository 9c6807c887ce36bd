package postmortem_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// seedBracketRE finds the seed's bracketed placeholders ("[Direct cause]"),
// not Markdown links or footnote references.
var seedBracketRE = regexp.MustCompile(`\[[^\]^(][^\]]*\](?:[^(]|$)`)

// TestRender_FreshDraftCarriesSeedPlaceholders renders the draft of an
// alert that carried nothing but its name: every bracketed placeholder of
// the seed is still in the document (the editor shows them as hints, but
// the document and lint keep seeing them), except the one the alert
// fills: its name.
func TestRender_FreshDraftCarriesSeedPlaceholders(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "testdata", "seed-postmortem.md"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	inc := hindsight.Incident{Title: "OnlyAName", AlertName: "OnlyAName", Severity: hindsight.SEV2, StartedAt: start}
	got := MustRender(t, postmortem.NewDraft(inc, postmortem.DraftOptions{Now: start}))
	filled := map[string]string{"[Alert Name]": "the alert's name"}
	seen := 0
	for _, m := range seedBracketRE.FindAllString(string(seed), -1) {
		ph := strings.TrimRight(m[:strings.LastIndex(m, "]")+1], " ")
		if _, ok := filled[ph]; ok || ph == "[x]" || ph == "[ ]" {
			continue
		}
		seen++
		if !strings.Contains(got, ph) {
			t.Errorf("the fresh draft lost the seed's placeholder %s", ph)
		}
	}
	if seen < 70 {
		t.Fatalf("only %d placeholders found in the seed: the pattern is wrong", seen)
	}
	for _, ph := range []string{"X hours Y minutes", "HH:MM", "X%", "X minutes", "TBD"} {
		if !strings.Contains(got, ph) {
			t.Errorf("the fresh draft lost the seed's placeholder %q", ph)
		}
	}
}
