package alertmanager_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/markdown"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// hostileAlertText are values an alert's labels and annotations may hold
// that would add structure to a document they were pasted into.
var hostileAlertText = []struct{ name, text string }{
	{"CommentOpener", "API errors\n<!--"},
	{"CommentOpenerCRLF", "API errors\r\n<!--\r\n"},
	{"CommentCloser", "API errors --> injected\n<!-- x"},
	{"Heading", "API errors\n## 🔍 Root Cause Analysis\n\nAll fine."},
	{"Table", "a | b\n|---|---|\n| x | y |"},
	{"Fence", "API errors\n```\n"},
	{"HTMLBlock", "API errors\n\n<div>\n"},
	{"Setext", "API errors\n---"},
	{"ClosingHashes", "API errors ##"},
	{"List", "API errors\n- **Users Affected**: none\n1. x"},
}

// hostilePayload is the captured three-alert notification with text put
// into the annotations and labels that reach the document: summary,
// description, runbook, alert name, service and region.
func hostilePayload(tb testing.TB, group, text string) []byte {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(readFile(tb, filepath.Join("..", "testdata", "alertmanager", "1-group-firing-3-alerts.json")), &m); err != nil {
		tb.Fatal(err)
	}
	m["groupKey"] = group
	set := func(ann, labels any) {
		if text == "" {
			return
		}
		if a, ok := ann.(map[string]any); ok {
			a["summary"], a["description"] = text, "Details: "+text
			a["runbook_url"] = "https://runbooks.example.com/x\n" + text
		}
		if l, ok := labels.(map[string]any); ok {
			l["alertname"], l["service"], l["region"] = "HighAPIErrorRate "+text, "api "+text, "eu-west-1\n"+text
		}
	}
	set(m["commonAnnotations"], m["commonLabels"])
	set(nil, m["groupLabels"])
	for _, a := range m["alerts"].([]any) {
		alert := a.(map[string]any)
		set(alert["annotations"], alert["labels"])
	}
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ruleCounts counts findings by rule.
func ruleCounts(fs []hindsight.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Rule]++
	}
	return out
}

// TestCheckPostmortem_HostileAlertText posts a real notification through
// the intake on both engines, once as captured and once per hostile text
// in its annotations and labels, and lints each draft: the findings by rule
// must be the same as the plain draft's (no section hidden or added), the
// document must parse back with no section out of place, and the HTML must
// show every heading.
func TestCheckPostmortem_HostileAlertText(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		ctx := context.Background()
		in := &alertmanager.Intake{Store: store, Mapping: alertmanager.DefaultMapping(),
			Draft: func(inc hindsight.Incident) *hindsight.Document {
				pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "oncall", Version: "test", Now: inc.StartedAt})
				return &pm.Document
			}}
		draft := func(t *testing.T, group, text string) (string, hindsight.Postmortem) {
			t.Helper()
			body := hostilePayload(t, group, text)
			msg, err := alertmanager.DecodeBytes(body)
			if err != nil {
				t.Fatal(err)
			}
			res, err := in.Ingest(ctx, body, msg)
			if err != nil {
				t.Fatal(err)
			}
			pm, err := store.FindPostmortem(ctx, res.IncidentID)
			if err != nil {
				t.Fatal(err)
			}
			var buf strings.Builder
			if err := postmortem.Render(&buf, *pm, nil); err != nil {
				t.Fatal(err)
			}
			return buf.String(), *pm
		}
		plainDoc, plainPM := draft(t, "{}:{plain}", "")
		plain, err := lint.CheckPostmortem(plainPM)
		if err != nil {
			t.Fatal(err)
		}
		want := ruleCounts(plain)
		if len(plain) < 20 {
			t.Fatalf("the plain draft has only %d findings; it should be full of placeholders:\n%s", len(plain), findingLines(plain))
		}
		wantHTML := headingCounts(t, plainDoc)
		for i, tt := range hostileAlertText {
			t.Run(tt.name, func(t *testing.T) {
				doc, pm := draft(t, fmt.Sprintf("{}:{hostile%d}", i), tt.text)
				if !strings.Contains(pm.Incident.Summary, "\n") && strings.Contains(tt.text, "\n") {
					t.Fatalf("the stored summary lost its line breaks: %q", pm.Incident.Summary)
				}
				got, err := lint.CheckPostmortem(pm)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(ruleCounts(got), want) {
					t.Errorf("findings %v (%d), want %v (%d) as for the plain alert:\n%s", ruleCounts(got), len(got), want, len(plain), findingLines(got))
				}
				parsed, err := postmortem.Parse([]byte(doc))
				if err != nil {
					t.Fatalf("the document does not parse back: %v", err)
				}
				if len(parsed.Document.Narrative.Extra) != 0 || len(parsed.Timeline) != len(pm.Timeline) || parsed.Incident.ID != pm.Incident.ID {
					t.Errorf("parsed back: sections kept aside %+v, %d of %d timeline events, ID %q",
						parsed.Document.Narrative.Extra, len(parsed.Timeline), len(pm.Timeline), parsed.Incident.ID)
				}
				if got := headingCounts(t, doc); !reflect.DeepEqual(got, wantHTML) {
					t.Errorf("HTML headings %v, want %v", got, wantHTML)
				}
			})
		}
	})
}

// headingCounts renders doc as the UI does and counts its headings and
// table rows by tag.
func headingCounts(t *testing.T, doc string) map[string]int {
	t.Helper()
	html, err := markdown.ToSafeHTML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tag := range []string{"<h1", "<h2", "<h3", "<h4", "<table", "<tr", "<hr", "<pre"} {
		out[tag] = strings.Count(string(html), tag)
	}
	return out
}

// readFile reads a file or fails the test.
func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// findingLines formats findings one per line.
func findingLines(fs []hindsight.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}
