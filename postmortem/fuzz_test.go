package postmortem_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// corpus returns every golden, edited and other-layout fixture, and the
// hand-written documents of ../testdata/handwritten.
func corpus(tb testing.TB) [][]byte {
	tb.Helper()
	files := roundTripFiles(tb)
	other, _ := filepath.Glob(filepath.Join("testdata", "other", "*.md"))
	handwritten, _ := filepath.Glob(filepath.Join("..", "testdata", "handwritten", "*.md"))
	if len(handwritten) < 6 {
		tb.Fatalf("%d hand-written documents under ../testdata/handwritten, want at least 6", len(handwritten))
	}
	other = append(other, handwritten...)
	var out [][]byte
	for _, f := range append(files, other...) {
		out = append(out, mustRead(tb, f))
	}
	return out
}

// FuzzParse checks that Parse never panics and that a parsed document
// renders to a fixed point: parsing the rendered document again renders
// the same bytes.
func FuzzParse(f *testing.F) {
	for _, src := range corpus(f) {
		f.Add(src)
	}
	f.Add([]byte("# T\n\n| a | b |\n|---|---|\n| 1 |\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		pm, err := postmortem.Parse(src)
		if err != nil {
			if hindsight.ErrorCode(err) != hindsight.EINVALID {
				t.Fatalf("Parse error is not EINVALID: %v", err)
			}
			return
		}
		first, err := render(pm)
		if err != nil {
			t.Fatalf("Render after a successful Parse: %v", err)
		}
		pm2, err := postmortem.Parse([]byte(first))
		if err != nil {
			t.Fatalf("Parse of the rendered document: %v\n%s", err, first)
		}
		second, err := render(pm2)
		if err != nil {
			t.Fatalf("second Render: %v", err)
		}
		if second != first {
			t.Fatalf("Render(Parse(Render(Parse(x)))) differs from Render(Parse(x)):\n%s", firstDiff(first, second))
		}
	})
}

func TestParse_BadInput(t *testing.T) {
	big := bytes.Repeat([]byte("a"), postmortem.MaxDocumentSize+1)
	tests := []struct {
		name, want string
		src        []byte
	}{
		{"Binary", "line 2: the document contains a NUL byte", []byte("# T\nab\x00c")},
		{"InvalidUTF8", "line 3: the document is not valid UTF-8", []byte("# T\n\nbad \xff byte")},
		{"TooLarge", "document is 10.0 MB; the limit is 10 MB", big},
		{"BadTimelineTime", "line 57: timeline time \"soon\"", []byte(strings.Replace(string(mustRead(t, "testdata/golden/resolved.md")), "| 00:20 |", "| soon |", 1))},
		{"BadStatus", "line 15: unknown incident status \"BROKEN\"", []byte(strings.Replace(string(mustRead(t, "testdata/golden/resolved.md")), "**Status**: RESOLVED", "**Status**: BROKEN", 1))},
		{"BadDocumentStatus", "unknown document status \"DONE\"", []byte(strings.Replace(string(mustRead(t, "testdata/golden/resolved.md")), "**Document Status**: DRAFT", "**Document Status**: DONE", 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := postmortem.Parse(tt.src)
			if hindsight.ErrorCode(err) != hindsight.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want EINVALID containing %q", err, tt.want)
			}
		})
	}
	t.Run("MissingCells", func(t *testing.T) {
		src := strings.Replace(string(mustRead(t, "testdata/golden/resolved.md")), "| 00:29 | Detection | @parallels | Alert acknowledged |", "| 00:29 | Detection |", 1)
		pm := MustParse(t, []byte(src))
		for _, e := range pm.Timeline {
			if e.Event == "Detection" && (e.Actor != "" || e.Action != "") {
				t.Fatalf("missing cells read as %+v", e)
			}
		}
	})
}

func TestParse_EditedFields(t *testing.T) {
	pm := MustParse(t, mustRead(t, "testdata/edited/resolved-reviewed.md"))
	inc, doc, n := pm.Incident, pm.Document, pm.Document.Narrative
	if inc.ID != "INCIDENT-20250930-0024-highapierrorrate" || inc.Status != hindsight.IncidentResolved || inc.ResolvedAt == nil || inc.Severity != hindsight.SEV2 {
		t.Errorf("incident %+v", inc)
	}
	if strings.Join(inc.Regions, ",") != "eu-west-1,us-east-1" || len(inc.Services) != 3 {
		t.Errorf("regions %v services %v", inc.Regions, inc.Services)
	}
	if !strings.Contains(n.RootCause, "| queries had no timeout") || n.Whys[2].Answer != "The queries had no timeout\n     and retries piled up behind them" {
		t.Errorf("root cause %q, why 3 %q", n.RootCause, n.Whys[2].Answer)
	}
	if len(pm.Timeline) != 12 || pm.Timeline[6].Action != "Connection pool exhausted | DB at max_connections" {
		t.Errorf("timeline: %d events, %+v", len(pm.Timeline), pm.Timeline)
	}
	var tracked, signed, checked int
	for _, a := range pm.Actions {
		if a.TrackerURL != "" {
			tracked++
		}
	}
	for _, s := range pm.SignOffs {
		if s.SignedAt != nil {
			signed++
		}
	}
	for _, c := range n.Distribution {
		if c.Checked {
			checked++
		}
	}
	if len(pm.Actions) != 5 || tracked != 3 || signed != 4 || checked != 2 {
		t.Errorf("actions %d (tracked %d), signed %d, checked %d", len(pm.Actions), tracked, signed, checked)
	}
	if len(n.Extra) != 2 || n.Extra[0].Heading != "## Appendix: Query Plans" || doc.Status != hindsight.DocUnderReview || doc.Version != 3 || doc.UpdatedBy != "sre-lead" {
		t.Errorf("extra %+v, status %q, version %d, updated by %q", n.Extra, doc.Status, doc.Version, doc.UpdatedBy)
	}
}

// TestParse_Seed reads the unedited seed: its title comes from the header
// and its known faults (services, due dates) are kept as imported.
func TestParse_Seed(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "seed-postmortem.md"))
	if err != nil {
		t.Skip("no seed document:", err)
	}
	pm := MustParse(t, src)
	if pm.Incident.Title != "HighAPIErrorRate" || strings.Join(pm.Incident.Services, ",") != "api,database,load-balancer" || len(pm.Actions) != 0 {
		t.Errorf("title %q services %v actions %d", pm.Incident.Title, pm.Incident.Services, len(pm.Actions))
	}
}

// BenchmarkParse reports the time to parse one document (the edited,
// resolved fixture, about 12 KB).
func BenchmarkParse(b *testing.B) {
	src := mustRead(b, "testdata/edited/resolved-reviewed.md")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := postmortem.Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParse_AutolinkWithControlCharacter edits the Alert Source link of a
// rendered document by hand so that a control character, a tab or a line
// break of Unicode's sits between its brackets (FuzzParse found the first).
// Rendering the parsed document must be a fixed point, and the link's text
// must stay, once, under its label (as a link the reader keeps as written,
// listed before the links Hindsight appends).
func TestParse_AutolinkWithControlCharacter(t *testing.T) {
	src := string(mustRead(t, "testdata/golden/alertmanager.md"))
	const link = "<http://prometheus.example:9090/graph?g0.expr=rate%28kube_pod_restarts%5B5m%5D%29>"
	if !strings.Contains(src, "- **Alert Source**: "+link+"\n") {
		t.Fatal("the fixture's Alert Source line moved")
	}
	for _, c := range []string{"\v", "\f", "\t", "\x7f", "\x01", "\u2028", "\u0085"} {
		t.Run(strconv.QuoteToASCII(c), func(t *testing.T) {
			edited := strings.Replace(src, "prometheus.example:9090", "prometheus"+c+"example:9090", 1)
			first := MustRender(t, MustParse(t, []byte(edited)))
			second := MustRender(t, MustParse(t, []byte(first)))
			if second != first {
				t.Fatalf("Render(Parse(Render(Parse(x)))) differs from Render(Parse(x)):\n%s", firstDiff(first, second))
			}
			var found []string
			for _, l := range strings.Split(first, "\n") {
				if strings.HasPrefix(l, "- **Alert Source**: ") {
					found = append(found, l)
				}
			}
			if len(found) != 1 || !strings.Contains(found[0], "example:9090/graph?g0.expr=rate%28kube_pod_restarts%5B5m%5D%29") {
				t.Fatalf("Alert Source lines %q, want one with the link's text", found)
			}
		})
	}
}

// TestParse_MetadataValueWithSpaces puts a space other than " " or a tab
// (FuzzParse found "\v") between a metadata label and its value: the value
// is read without it, and rendering the parsed document is a fixed point.
func TestParse_MetadataValueWithSpaces(t *testing.T) {
	src := string(mustRead(t, "testdata/golden/alertmanager.md"))
	want := MustParse(t, []byte(src)).Incident.ID
	if !strings.Contains(src, "**Incident ID**: `"+want+"`") {
		t.Fatalf("the fixture's Incident ID line moved (ID %q)", want)
	}
	for _, c := range []string{"\v", "\f", "\u0085", "\u00a0", "\u2028", "\u3000"} {
		t.Run(strconv.QuoteToASCII(c), func(t *testing.T) {
			edited := strings.Replace(src, "**Incident ID**: `"+want+"`", "**Incident ID**:"+c+"`"+want+"`"+c, 1)
			pm := MustParse(t, []byte(edited))
			if pm.Incident.ID != want {
				t.Errorf("ID %q, want %q", pm.Incident.ID, want)
			}
			first := MustRender(t, pm)
			if second := MustRender(t, MustParse(t, []byte(first))); second != first {
				t.Fatalf("Render(Parse(Render(Parse(x)))) differs from Render(Parse(x)):\n%s", firstDiff(first, second))
			}
		})
	}
}
