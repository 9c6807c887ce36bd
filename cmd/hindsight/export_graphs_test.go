package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestExport_GraphsBesideDocument checks that --graphs-dir writes each
// stored graph where the Markdown document references it, as SVG that
// encoding/xml parses, and that --format html shows them inline.
func TestExport_GraphsBesideDocument(t *testing.T) {
	t.Parallel()
	db := importOne(t, filepath.Join(fixtures, "golden/resolved.md"))
	ctx := context.Background()
	s := teststore.Open(t, db)
	page, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Page: hindsight.Page{Limit: 1}})
	if err != nil || len(page) != 1 {
		t.Fatal(err, len(page))
	}
	id := page[0].ID
	start := page[0].StartedAt
	threshold := 0.1
	imp := hindsight.Impact{Start: start, End: start.Add(time.Hour), Graphs: []hindsight.Graph{
		{Name: hindsight.GraphErrorRatio, Title: "Error ratio", Unit: "%", Start: start.Add(-30 * time.Minute), End: start.Add(90 * time.Minute),
			Step: time.Minute, Threshold: &threshold, Points: []hindsight.Point{{T: start, V: 3}, {T: start.Add(time.Minute), V: 2}}},
		{Name: hindsight.GraphRequestRate, Title: "Request rate", Unit: "req/s", Start: start.Add(-30 * time.Minute), End: start.Add(90 * time.Minute),
			Step: time.Minute, Points: []hindsight.Point{}, Reason: "no data: the query matched no series"},
	}}
	if err := s.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: id, Impact: imp}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	dir := t.TempDir()
	code, md, errOut := runCLI(t, "", "export", "--db", db, id, "--format", "md", "--graphs-dir", dir)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	for _, name := range []string{"error-ratio", "request-rate"} {
		ref := hindsight.GraphFile(id, name)
		if !strings.Contains(md, "]("+ref+")") {
			t.Errorf("the document does not reference %s", ref)
		}
		b, err := os.ReadFile(filepath.Join(dir, ref))
		if err != nil {
			t.Fatalf("graph file: %v", err)
		}
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s is not valid SVG: %v", ref, err)
			}
		}
	}
	if !strings.Contains(errOut, "graph file(s)") {
		t.Errorf("stderr %q does not say what was written", errOut)
	}
	code, html, errOut := runCLI(t, "", "export", "--db", db, id, "--format", "html")
	if code != 0 || !strings.Contains(html, `src="data:image/svg+xml;base64,`) {
		t.Errorf("html export: exit %d (%s), graphs inline: %v", code, errOut, strings.Contains(html, "data:image/svg+xml"))
	}
}
