package markdown_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/markdown"
)

// hostile carries the usual ways to smuggle script into Markdown.
const hostile = `# Title <script>alert(1)</script>

<img src=x onerror="alert(2)">

[click](javascript:alert(3)) and <a href="javascript:alert(4)">raw</a>

![img](javascript:alert(5))

| a | b |
|---|---|
| <iframe src="https://evil.example"></iframe> | <b onmouseover="x()">b</b> |

- [x] done
`

func TestToSafeHTML(t *testing.T) {
	got, err := markdown.ToSafeHTML([]byte(hostile))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ToLower(string(got))
	for _, bad := range []string{"<script", "javascript:", "onerror", "onmouseover", "<iframe"} {
		if strings.Contains(s, bad) {
			t.Errorf("output contains %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"<h1", "<table>", "<td>", "type=\"checkbox\""} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestStandalonePage(t *testing.T) {
	page, err := markdown.Page(`Outage <"quoted">`, []byte(hostile))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if !strings.HasPrefix(s, "<!DOCTYPE html>") || !strings.Contains(s, "<title>Outage &lt;&#34;quoted&#34;&gt;</title>") {
		t.Errorf("page head:\n%.400s", s)
	}
	for _, bad := range []string{"<script", "javascript:", "onerror=", "<link", "src=\"http"} {
		if strings.Contains(strings.ToLower(s), bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	t.Run("StyleHashMatchesCSP", func(t *testing.T) {
		start := strings.Index(s, "<style>") + len("<style>")
		end := strings.Index(s, "</style>")
		sum := sha256.Sum256([]byte(s[start:end]))
		want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(markdown.PageCSP, want) {
			t.Errorf("PageCSP %q does not allow the embedded stylesheet (%s)", markdown.PageCSP, want)
		}
		if !strings.Contains(markdown.PageCSP, "default-src 'none'") {
			t.Errorf("PageCSP is not strict: %s", markdown.PageCSP)
		}
		if !strings.Contains(markdown.PageCSP, "img-src 'self' data:;") {
			t.Errorf("PageCSP lets images come from other sites: %s", markdown.PageCSP)
		}
	})
}

// footnoted is a hand-written post-mortem excerpt whose figures carry
// footnotes defined after two different sections, one of them hostile.
const footnoted = `## Service Level Impact

- **Availability**: 97.85% uptime[^1] (SLO: 99.9%)
- **Error Rate**: 5% peak[^2]

[^1]: Query: ` + "`sum(rate(x[1m]))`" + `. Range: 2025-09-30 00:24:00 to 2025-09-30 02:10:00 UTC.
[^2]: Peak at 00:40 <script>alert(1)</script> [bad](javascript:alert(2)).

## Error Rate Impact

- Peak error rate: 5%[^2]
- Duration above SLO: 40 minutes 30 seconds[^3]

[^3]: Range: 2025-09-30 00:24:00 to 2025-09-30 02:10:00 UTC, step 30s.
`

func TestToSafeHTML_Footnotes(t *testing.T) {
	got, err := markdown.ToSafeHTML([]byte(footnoted))
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if strings.Contains(s, "[^1]") || strings.Contains(s, "[^3]:") {
		t.Errorf("footnote markers left as text:\n%s", s)
	}
	if n := strings.Count(s, `class="footnotes"`); n != 1 {
		t.Errorf("%d footnote lists, want one per document:\n%s", n, s)
	}
	for _, want := range []string{
		`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref"`,
		`<li id="fn:1">`, `<li id="fn:3">`,
		`<a href="#fnref:1" class="footnote-backref" role="doc-backlink"`,
		`<sup id="fnref1:2">`, // the second reference to note 2 has its own back-link target
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	if i, j := strings.Index(s, `id="fn:3"`), strings.Index(s, "Error Rate Impact"); i < j {
		t.Error("the footnotes are not gathered at the end of the document")
	}
	for _, bad := range []string{"<script", "javascript:"} {
		if strings.Contains(strings.ToLower(s), bad) {
			t.Errorf("a footnote carried %q:\n%s", bad, s)
		}
	}
}
