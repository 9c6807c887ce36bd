package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/postmortem"
)

// writeCorpus writes n post-mortems into dir, made from the golden
// documents with distinct incident IDs, dates and text, and returns their
// total size in bytes.
func writeCorpus(tb testing.TB, dir string, n int) int64 {
	tb.Helper()
	names := []string{"alertmanager.md", "leap-year.md", "month-end.md", "resolved.md"}
	var bases []goldenDoc
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join(fixtures, "golden", name))
		if err != nil {
			tb.Fatal(err)
		}
		pm, err := postmortem.Parse(src)
		if err != nil {
			tb.Fatal(err)
		}
		bases = append(bases, goldenDoc{src: string(src), id: pm.Incident.ID, start: pm.Incident.StartedAt})
	}
	var total int64
	for i := 0; i < n; i++ {
		b := bases[i%len(bases)]
		// A new start minute per document keeps the IDs distinct; the
		// dates in the text follow the ID's, and a sentence varies the text.
		start := b.start.Add(-time.Duration(i+1) * 37 * time.Minute)
		newID := fmt.Sprintf("INCIDENT-%s-%s", start.Format("20060102-1504"), strings.SplitN(b.id, "-", 4)[3])
		doc := strings.ReplaceAll(b.src, b.id, newID)
		doc = strings.ReplaceAll(doc, b.start.Format("2006-01-02 15:04"), start.Format("2006-01-02 15:04"))
		doc = strings.Replace(doc, "## ", fmt.Sprintf("Imported from the archive, document %d.\n\n## ", i), 1)
		path := filepath.Join(dir, fmt.Sprintf("%03d", i/1000), fmt.Sprintf("pm-%05d.md", i))
		MustWrite(tb, path, []byte(doc))
		total += int64(len(doc))
	}
	return total
}

// goldenDoc is one golden document and its incident.
type goldenDoc struct {
	src, id string
	start   time.Time
}

// BenchmarkImportDir imports a directory of 200 documents into a new
// SQLite store per iteration; docs/s is the import rate.
func BenchmarkImportDir(b *testing.B) {
	const n = 200
	dir := b.TempDir()
	writeCorpus(b, dir, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db := filepath.Join(b.TempDir(), fmt.Sprintf("h%d.db", i))
		var out, errOut bytes.Buffer
		if code := run(b.Context(), []string{"import", "--db", db, dir}, strings.NewReader(""), &out, &errOut); code != 0 {
			b.Fatalf("exit %d: %s%s", code, errOut.String(), tail(out.String()))
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkParseCorpus parses the generated documents; ns/op is per document.
func BenchmarkParseCorpus(b *testing.B) {
	dir := b.TempDir()
	writeCorpus(b, dir, 40)
	var docs [][]byte
	_ = filepathWalk(dir, func(p string) { d, _ := os.ReadFile(p); docs = append(docs, d) })
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := postmortem.Parse(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// filepathWalk calls fn for every file under dir.
func filepathWalk(dir string, fn func(path string)) error {
	return filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			fn(p)
		}
		return err
	})
}

// tail is the last line of s.
func tail(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// TestWriteCorpus checks that the generated documents parse to distinct
// incidents, so that the benchmark measures imports, not duplicates.
func TestWriteCorpus(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeCorpus(t, dir, 12)
	seen := map[string]bool{}
	_ = filepathWalk(dir, func(p string) {
		pm := MustParseFile(t, p)
		if seen[pm.Incident.ID] {
			t.Errorf("%s: duplicate ID %s", p, pm.Incident.ID)
		}
		seen[pm.Incident.ID] = true
	})
	if len(seen) != 12 {
		t.Errorf("%d distinct incidents, want 12", len(seen))
	}
	if n := os.Getenv("HINDSIGHT_CORPUS"); n != "" {
		// HINDSIGHT_CORPUS=DIR:N writes N documents into DIR for a timed CLI run.
		d, count, _ := strings.Cut(n, ":")
		var k int
		fmt.Sscan(count, &k)
		writeCorpus(t, d, k)
	}
}
