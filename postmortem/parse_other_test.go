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

var (
	listMarkerRE = regexp.MustCompile(`^(?:[-*+]|\d+[.)])[ \t]+`)
	timedRE      = regexp.MustCompile(`^(\d{1,2}:\d\d)[ \t]+(.*)$`)
)

// linePresent reports whether an original line survives in out: verbatim,
// or, for a table row, cell by cell, or, for a list item mapped onto a
// timeline row, as its time and its text.
func linePresent(out, line string) bool {
	l := strings.TrimSpace(line)
	if strings.Contains(out, l) {
		return true
	}
	if strings.HasPrefix(l, "|") {
		for _, c := range strings.Split(strings.Trim(l, "|"), "|") {
			c = strings.TrimSpace(c)
			if strings.Trim(c, "-: ") != "" && !strings.Contains(out, c) {
				return false
			}
		}
		return true
	}
	if h := strings.TrimLeft(l, "# "); h != l {
		// A heading of a mapped section names a part of the model.
		return strings.Contains(strings.ToLower(out), strings.ToLower(h))
	}
	l = listMarkerRE.ReplaceAllString(l, "")
	if strings.Contains(out, l) {
		return true
	}
	if m := timedRE.FindStringSubmatch(l); m != nil {
		return strings.Contains(out, "| "+m[1]+" |") && strings.Contains(out, m[2])
	}
	return false
}

// TestParse_OtherLayouts imports documents in the Google SRE book template
// and free-form layouts, and checks that no line of the source is lost.
func TestParse_OtherLayouts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "other", "*.md"))
	if len(files) == 0 {
		t.Fatal("no documents under testdata/other")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pm := MustParse(t, src)
			out := MustRender(t, pm)
			lines := strings.Split(string(src), "\n")
			for i, line := range lines {
				if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "|--") {
					continue // a table's header: mapped tables take the model's columns
				}
				if strings.TrimSpace(line) != "" && !linePresent(out, line) {
					t.Errorf("line %d lost: %q", i+1, line)
				}
			}
			if again := MustRender(t, MustParse(t, []byte(out))); again != out {
				t.Errorf("parsing the rendered document changes it:\n%s", firstDiff(out, again))
			}
		})
	}
}

func TestParse_GoogleTemplate(t *testing.T) {
	pm := MustParse(t, mustRead(t, "testdata/other/google-sre.md"))
	inc, n := pm.Incident, pm.Document.Narrative
	if inc.Title != "Shakespeare Sonnet++ Postmortem (incident #465)" || !inc.StartedAt.Equal(time.Date(2015, 10, 21, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("title %q, start %v", inc.Title, inc.StartedAt)
	}
	if !strings.HasPrefix(inc.Summary, "Shakespeare Search down") || !strings.HasPrefix(n.Impact, "Estimated 1.21B") {
		t.Errorf("summary %q, impact %q", inc.Summary, n.Impact)
	}
	if !strings.HasPrefix(n.Resolution, "Directed traffic") || len(n.ContributingFactors) != 1 || n.ContributingFactors[0].Label != "Trigger" {
		t.Errorf("resolution %q, factors %+v", n.Resolution, n.ContributingFactors)
	}
	if len(pm.Actions) != 3 || pm.Actions[0].Owner != "jennifer" || !strings.Contains(pm.Actions[1].Title, "(Type: prevent; Bug: Bug 5554823 TODO)") ||
		pm.Actions[0].Status != hindsight.ActionDone || pm.Actions[1].Status != hindsight.ActionOpen {
		t.Errorf("actions %+v", pm.Actions)
	}
	if len(pm.Timeline) != 4 || pm.Timeline[0].Time.Format("15:04") != "14:51" {
		t.Errorf("timeline %+v", pm.Timeline)
	}
	if pm.Document.Author != "jennifer" {
		t.Errorf("author %q", pm.Document.Author)
	}
	var kept []string
	for _, s := range n.Extra {
		kept = append(kept, s.Heading)
	}
	want := "# Shakespeare Sonnet++ Postmortem (incident #465)|## Root Causes|## Detection|## Lessons Learned|### What went well|### What went wrong|### Where we got lucky|## Timeline|## Supporting information"
	if strings.Join(kept, "|") != want {
		t.Errorf("kept sections %q, want %q", strings.Join(kept, "|"), want)
	}
}

func TestParse_FreeForm(t *testing.T) {
	pm := MustParse(t, mustRead(t, "testdata/other/freeform.md"))
	if pm.Incident.Title != "Checkout outage, 2024-03-05 14:05" || !pm.Incident.StartedAt.Equal(time.Date(2024, 3, 5, 14, 5, 0, 0, time.UTC)) {
		t.Errorf("title %q, start %v", pm.Incident.Title, pm.Incident.StartedAt)
	}
	if pm.Incident.Severity != hindsight.SEV2 || len(pm.Timeline) != 3 || pm.Timeline[2].Actor != "@maria" {
		t.Errorf("severity %q, timeline %+v", pm.Incident.Severity, pm.Timeline)
	}
	if len(pm.Actions) != 2 || pm.Actions[0].Status != hindsight.ActionDone || pm.Actions[1].Title != "Add canary for payments (Status: Planned)" {
		t.Errorf("actions %+v", pm.Actions)
	}
	if !strings.HasPrefix(pm.Document.Narrative.RootCause, "A config change") {
		t.Errorf("root cause %q", pm.Document.Narrative.RootCause)
	}
}

func TestParse_NoDate(t *testing.T) {
	src := []byte("# Outage\n\n## Summary\n\nThe API was down.\n")
	t.Run("ErrNoDate", func(t *testing.T) {
		_, err := postmortem.Parse(src)
		if hindsight.ErrorCode(err) != hindsight.EINVALID || !strings.Contains(err.Error(), "no date found") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("DefaultStart", func(t *testing.T) {
		start := time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC)
		pm, err := postmortem.ParseWithOptions(src, postmortem.ParseOptions{DefaultStart: start})
		if err != nil || !pm.Incident.StartedAt.Equal(start) || pm.Incident.Summary != "The API was down." {
			t.Fatalf("err %v, start %v, summary %q", err, pm.Incident.StartedAt, pm.Incident.Summary)
		}
	})
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
