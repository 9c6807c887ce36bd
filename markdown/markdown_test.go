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
	})
}
