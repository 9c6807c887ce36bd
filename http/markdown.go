package http

import (
	"html/template"
	"sync"

	safemd "github.com/hindsight-sre/hindsight/markdown"
	"github.com/microcosm-cc/bluemonday"
)

// markOnly keeps <mark> and nothing else: search snippets promise only
// that markup, and this holds them to it.
var markOnly = sync.OnceValue(func() *bluemonday.Policy {
	return bluemonday.NewPolicy().AllowElements("mark")
})

// renderMarkdown returns src as sanitized HTML through the markdown
// package, the one policy the export shares (GFM with footnotes, raw HTML
// left out, bluemonday's UGC policy).
func renderMarkdown(src string) template.HTML {
	out, err := safemd.ToSafeHTML([]byte(src))
	if err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return out
}

// safeSnippet returns a search snippet with every tag but <mark> removed.
func safeSnippet(s string) template.HTML {
	return template.HTML(markOnly().Sanitize(s))
}
