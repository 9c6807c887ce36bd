package lint_test

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
)

// TestCheck_UnknownPerson: a handle the directory lacks is a warning on its
// line, once per line, whatever its case; known handles, e-mail addresses,
// code, comments and the template's stand-ins are not; and without a
// directory nothing is reported.
func TestCheck_UnknownPerson(t *testing.T) {
	src := []byte("# Post-mortem\n" +
		"Author: @Lead, reviewed by @ghost and @ghost\n" +
		"Mail ana@example.com or ask `@incode` and @ana.\n" +
		"<!-- @incomment -->\n" +
		"```\n@fenced\n```\n" +
		"| Fix rotation | @nobody-here | 2025-10-07 |\n" +
		"Zoë (@zoë) wrote it.\n")
	dir := hindsight.NewDirectory([]*hindsight.Person{{Handle: "lead"}, {Handle: "ana", Email: "ana@example.com"}})
	fs := lint.CheckWith("doc.md", src, lint.Options{Now: time.Now(), People: dir})
	var got []string
	for _, f := range fs {
		if f.Rule != lint.RulePerson {
			continue
		}
		if f.Severity != hindsight.FindingWarning {
			t.Errorf("%s: severity %q, want a warning", f, f.Severity)
		}
		got = append(got, f.String())
	}
	want := []string{
		"doc.md:2: unknown-person (warning): @ghost is not in the directory of people: check the spelling, or add the person",
		"doc.md:8: unknown-person (warning): @nobody-here is not in the directory of people: check the spelling, or add the person",
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("findings:\n%q\nwant:\n%q", got, want)
	}
	for _, f := range lint.CheckWith("doc.md", src, lint.Options{Now: time.Now()}) {
		if f.Rule == lint.RulePerson {
			t.Errorf("without a directory: %s", f)
		}
	}
}
