// Package markdown turns Markdown written by people (narratives, imported
// post-mortems) into sanitized HTML, and wraps it in a standalone printable
// page. The web UI, the HTTP export and "hindsight export --format html"
// share it, so that one policy decides what markup reaches a browser.
package markdown

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"regexp"
	"sync"

	"github.com/hindsight-sre/hindsight"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Two independent layers stand between stored text and a page: goldmark
// with GFM leaves raw HTML out (it writes "<!-- raw HTML omitted -->"), and
// bluemonday's UGC policy then removes anything a crafted link or image
// could still carry (javascript: URLs, event handlers, styles).
//
// GFM footnotes ("97.85%[^1]" and "[^1]: Query: …", the source of every
// measured figure) are rendered as footnotes: references become superscript
// links, and every definition of the document goes into one numbered list
// at its end, each with a link back to its reference.
var (
	converter = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))
	ugc       = sync.OnceValue(policy)
)

// policy is bluemonday's UGC policy plus the disabled checkboxes of GFM task
// lists, whose state (who signed, who was told) a post-mortem needs, and
// the classes and roles of footnotes (ids and fragment links UGC allows).
func policy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnotes$`)).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-endnotes$`)).OnElements("div")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnote-(ref|backref)$`)).OnElements("a")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(noteref|backlink)$`)).OnElements("a")
	return p
}

// ToSafeHTML converts Markdown to sanitized HTML. The error is goldmark's,
// which in practice only a failing writer produces.
//
// Each distinct source is rendered once: the result is cached by the
// source's hash, so that the views of one version of a document cost a
// hash, not a render. A source beyond the bounds Markdown can be rendered
// in (hindsight.MarkdownDepth over hindsight.MaxMarkdownDepth, more than
// hindsight.MaxDocumentLinks link openers, stored before those bounds were
// enforced) is shown as escaped preformatted text instead.
func ToSafeHTML(src []byte) (template.HTML, error) {
	key := sha256.Sum256(src)
	if html, ok := rendered.get(key); ok {
		return html, nil
	}
	if unrenderable(src) {
		html := template.HTML("<pre>" + template.HTMLEscapeString(string(src)) + "</pre>")
		rendered.put(key, html)
		return html, nil
	}
	var buf bytes.Buffer
	if err := converter.Convert(src, &buf); err != nil {
		return "", fmt.Errorf("markdown: %w", err)
	}
	html := template.HTML(ugc().SanitizeBytes(buf.Bytes()))
	rendered.put(key, html)
	return html, nil
}

// unrenderable reports whether src is beyond what renders in bounded time.
func unrenderable(src []byte) bool {
	return hindsight.MarkdownDepth(string(src)) > hindsight.MaxMarkdownDepth ||
		bytes.Count(src, []byte("[")) > hindsight.MaxDocumentLinks
}

// printCSS is the page's only style: readable on screen, sober on paper,
// tables that do not split rows across pages.
const printCSS = `body{font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1,h2,h3{line-height:1.25;margin-top:1.6em}h1{font-size:1.8em;border-bottom:1px solid #d0d7de;padding-bottom:.3em}
h2{font-size:1.4em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f6f8fa;padding:.8em;overflow-x:auto;white-space:pre-wrap}img{max-width:100%}
a{color:#0969da}ul.contains-task-list{list-style:none;padding-left:1.2em}
.footnotes{font-size:.9em;color:#424a53}.footnotes ol{padding-left:1.5em}a.footnote-backref{text-decoration:none}
@media print{body{margin:0;max-width:none;font-size:11pt;color:#000}a{color:#000}
a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em;word-break:break-all}a.footnote-backref{display:none}
h1,h2,h3{break-after:avoid}tr,pre,img{break-inside:avoid}thead{display:table-header-group}@page{margin:1.8cm}}`

// PageCSP is the Content-Security-Policy that a StandalonePage needs and no
// more: its one inline stylesheet (by hash), images from the server that
// sends it or inline (data:), never from another site (an image URL in a
// document would tell its host who reads the post-mortem, and when), no
// scripts, frames, forms, fonts or connections.
var PageCSP = "default-src 'none'; style-src '" + styleHash() + "'; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// styleHash is the CSP source expression of printCSS.
func styleHash() string {
	sum := sha256.Sum256([]byte(printCSS))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// pageTemplate is the standalone document: no script, no external resource.
var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<main>
{{.Body}}
</main>
</body>
</html>
`))

// StandalonePage wraps sanitized HTML (from ToSafeHTML) in a complete HTML
// document titled title, with an embedded print stylesheet and a CSP meta
// tag, so that the file is safe and printable when opened on its own.
func StandalonePage(title string, body template.HTML) []byte {
	var buf bytes.Buffer
	err := pageTemplate.Execute(&buf, struct {
		Title, CSP string
		CSS        template.CSS
		Body       template.HTML
	}{title, PageCSP, template.CSS(printCSS), body})
	if err != nil {
		// The template is fixed and its data are strings: it cannot fail
		// short of running out of memory.
		panic(fmt.Sprintf("markdown: standalone page: %v", err))
	}
	return buf.Bytes()
}

// Page converts Markdown to a standalone sanitized page: ToSafeHTML, then
// StandalonePage.
func Page(title string, src []byte) ([]byte, error) {
	body, err := ToSafeHTML(src)
	if err != nil {
		return nil, err
	}
	return StandalonePage(title, body), nil
}
