package http

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Markdown from people (narratives, imported documents) is rendered with
// goldmark and GFM, with raw HTML left out, then sanitized with bluemonday's
// UGC policy: two independent layers between stored text and the page.
var (
	mdRenderer = goldmark.New(goldmark.WithExtensions(extension.GFM))
	ugc        = sync.OnceValue(func() *bluemonday.Policy { return bluemonday.UGCPolicy() })
	// markOnly keeps <mark> and nothing else: search snippets promise only
	// that markup, and this holds them to it.
	markOnly = sync.OnceValue(func() *bluemonday.Policy {
		return bluemonday.NewPolicy().AllowElements("mark")
	})
)

// renderMarkdown returns src as sanitized HTML.
func renderMarkdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := mdRenderer.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(ugc().SanitizeBytes(buf.Bytes()))
}

// safeSnippet returns a search snippet with every tag but <mark> removed.
func safeSnippet(s string) template.HTML {
	return template.HTML(markOnly().Sanitize(s))
}
