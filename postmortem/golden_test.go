package postmortem_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// seedStart is the seed document's incident start.
var seedStart = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// seedIncident is the incident of the seed document, as `hindsight new`
// builds it from the seed's flags.
func seedIncident() hindsight.Incident {
	return hindsight.Incident{
		Title:     "HighAPIErrorRate",
		AlertName: "HighAPIErrorRate",
		Severity:  hindsight.SEV2,
		Summary:   "API 5xx error rate exceeded threshold during peak hours",
		Services:  []string{"api", "database", "load-balancer"},
		Author:    "parallels",
		StartedAt: seedStart,
	}
}

// seedDraft is the draft of the seed's inputs, generated at the start.
func seedDraft() hindsight.Postmortem {
	return postmortem.NewDraft(seedIncident(), postmortem.DraftOptions{Author: "parallels", Version: "dev", Now: seedStart})
}

// MustRender renders pm with the default template.
func MustRender(tb testing.TB, pm hindsight.Postmortem) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, pm, nil); err != nil {
		tb.Fatalf("Render: %v", err)
	}
	return buf.String()
}

// assertGolden compares got with testdata/golden/name.md, rewriting it
// under -update.
func assertGolden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", "golden", name+".md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v: run go test ./postmortem -update to create it", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from the rendered document (run with -update if the change is intended):\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff describes the first line where two documents differ.
func firstDiff(want, got string) string {
	w, g := splitLines(want), splitLines(got)
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(i+1) + ":\n want: " + quote(wl) + "\n  got: " + quote(gl)
		}
	}
	return "(no line differs)"
}

func TestRender_SeedInputs(t *testing.T) {
	assertGolden(t, "seed-inputs", MustRender(t, seedDraft()))
}
