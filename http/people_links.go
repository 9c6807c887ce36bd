package http

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"golang.org/x/net/html"
)

// The directory of people in pages: "@handle" in a rendered document, an
// action's owner and a sign-off's signer become links to the person's
// page when the directory knows them, and stay as written when it does
// not (lint's unknown-person warning points at those).

func init() { viewFuncs["person"] = personLink }

// personHref is the address of a person's page.
func personHref(handle string) string {
	return "/people/" + url.PathEscape(hindsight.HandleName(handle))
}

// personLink returns ref (an owner or signer as stored: "@ana", "ana",
// "token:ana", an e-mail) as a link to the person's page when dir knows
// them, titled with their display name; otherwise ref escaped as written.
func personLink(dir *hindsight.Directory, ref string) template.HTML {
	p, ok := dir.Lookup(ref)
	if !ok {
		return template.HTML(template.HTMLEscapeString(ref))
	}
	return personAnchor(p, ref)
}

func personAnchor(p *hindsight.Person, text string) template.HTML {
	title := p.Label()
	if p.Team != "" {
		title += " · " + p.Team
	}
	return template.HTML(`<a class="person" href="` + template.HTMLEscapeString(personHref(p.Handle)) + `" title="` +
		template.HTMLEscapeString(title) + `">` + template.HTMLEscapeString(text) + `</a>`)
}

// noLinkIn are the elements whose text is left alone: a link cannot hold
// another, code is quoted as written, and inline graphs (svg) are drawn.
var noLinkIn = map[string]bool{"a": true, "code": true, "pre": true, "script": true, "style": true, "textarea": true, "svg": true}

// linkPeople returns sanitized document HTML with every "@handle" of its
// text that dir knows turned into a link to the person's page. Tags and
// attributes pass through byte for byte; only text outside links and code
// changes.
func linkPeople(doc template.HTML, dir *hindsight.Directory) template.HTML {
	if dir.Len() == 0 || !strings.Contains(string(doc), "@") {
		return doc
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(string(doc)))
	depth := 0 // open elements of noLinkIn
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return template.HTML(b.String())
		case html.StartTagToken, html.EndTagToken:
			raw := string(z.Raw())
			name, _ := z.TagName()
			if noLinkIn[string(name)] {
				if tt == html.StartTagToken {
					depth++
				} else if depth > 0 {
					depth--
				}
			}
			b.WriteString(raw)
		case html.TextToken:
			raw := string(z.Raw())
			if depth > 0 || !strings.Contains(raw, "@") {
				b.WriteString(raw)
				continue
			}
			b.WriteString(string(linkText(html.UnescapeString(raw), dir)))
		default:
			b.Write(z.Raw())
		}
	}
}

// linkText escapes text, with the known "@handle" mentions as links.
func linkText(text string, dir *hindsight.Directory) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range hindsight.Mentions(text) {
		p, ok := dir.Lookup("@" + m.Handle)
		if !ok {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:m.Start]))
		b.WriteString(string(personAnchor(p, text[m.Start:m.End])))
		last = m.End
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}
