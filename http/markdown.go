package http

import (
	"html/template"
	"sync"

	"github.com/microcosm-cc/bluemonday"

	safemd "github.com/hindsight-sre/hindsight/markdown"
)

// markOnly keeps <mark> and nothing else: search snippets promise only
// that markup, and this holds them to it.
var markOnly = sync.OnceValue(func() *bluemonday.Policy {
	return bluemonday.NewPolicy().AllowElements("mark")
})

// renderMarkdown returns src as sanitized HTML, through the one renderer
// of the markdown package (goldmark without raw HTML, then bluemonday's UGC
// policy; each distinct source rendered once).
func renderMarkdown(src string) template.HTML {
	html, err := safemd.ToSafeHTML([]byte(src))
	if err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return html
}

// safeSnippet returns a search snippet with every tag but <mark> removed.
func safeSnippet(s string) template.HTML {
	return template.HTML(markOnly().Sanitize(s))
}
