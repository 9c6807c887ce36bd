package postmortem

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/hindsight-sre/hindsight"
)

//go:embed templates/default.md.tmpl
var templateFS embed.FS

// defaultTemplateName is the name errors give for the embedded template.
const defaultTemplateName = "default.md.tmpl"

// Template is a parsed document template, checked against a sample view.
type Template struct {
	name string
	tmpl *template.Template
}

// Name returns the template's name: its file path, or the name it was parsed under.
func (t *Template) Name() string { return t.name }

var defaultTemplate = sync.OnceValue(func() *Template {
	text, err := templateFS.ReadFile("templates/" + defaultTemplateName)
	if err != nil {
		panic("postmortem: embedded default template missing: " + err.Error())
	}
	t, err := ParseTemplate(defaultTemplateName, string(text))
	if err != nil {
		panic("postmortem: embedded default template: " + err.Error())
	}
	return t
})

// DefaultTemplate returns the embedded template that reproduces the seed
// document section by section.
func DefaultTemplate() *Template { return defaultTemplate() }

// DefaultTemplateText returns the embedded default template's source, a
// starting point for a team's own template.
func DefaultTemplateText() string {
	text, _ := templateFS.ReadFile("templates/" + defaultTemplateName)
	return string(text)
}

// Funcs returns the functions a template may call, by name. See
// docs/templates.md.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"cell":     EscapeCell,
		"join":     JoinList,
		"handle":   Handle,
		"date":     func(t time.Time) string { return t.UTC().Format(dateLayout) },
		"datetime": func(t time.Time) string { return t.UTC().Format(dateTimeLayout) },
		"duration": hindsight.FormatDuration,
		"number":   FormatNumber,
		"default": func(def, s string) string {
			return firstOf(s, def)
		},
	}
}

// ParseTemplate parses a text/template document template and runs it once on
// a sample post-mortem, so that an unknown field or function is reported now
// rather than when a document is rendered. Errors are EINVALID and name the
// template and the line.
func ParseTemplate(name, text string) (*Template, error) {
	tmpl, err := template.New(name).Option("missingkey=error").Funcs(Funcs()).Parse(text)
	if err != nil {
		return nil, templateError(name, err)
	}
	t := &Template{name: name, tmpl: tmpl}
	if err := t.tmpl.Execute(io.Discard, NewView(samplePostmortem())); err != nil {
		return nil, templateError(name, err)
	}
	return t, nil
}

// LoadTemplate reads and parses a team's template file.
func LoadTemplate(path string) (*Template, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		msg := err.Error()
		var pe *os.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return nil, hindsight.Errorf(hindsight.EINVALID,
			"cannot read template %s: %s: check the template path (--template or template in hindsight.yaml)", path, msg)
	}
	return ParseTemplate(path, string(text))
}

// Render writes the document of pm rendered with tmpl (nil means the
// default template). Nothing is written when rendering fails, so a caller
// never gets half a document.
func Render(w io.Writer, pm hindsight.Postmortem, tmpl *Template) error {
	if tmpl == nil {
		tmpl = DefaultTemplate()
	}
	var buf bytes.Buffer
	if err := tmpl.tmpl.Execute(&buf, NewView(pm)); err != nil {
		var ee template.ExecError
		if errors.As(err, &ee) {
			return templateError(tmpl.name, err)
		}
		return fmt.Errorf("render post-mortem: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write post-mortem: %w", err)
	}
	return nil
}

// templateErrorRE reads text/template's "template: NAME:LINE[:COL]: MESSAGE".
var templateErrorRE = regexp.MustCompile(`^template: (?:.*?):(\d+)(?::\d+)?: (.*)$`)

// templateError turns a text/template error into one a user can act on:
// which template, which line, what is wrong and where the reference is.
func templateError(name string, err error) error {
	msg := err.Error()
	line := ""
	if m := templateErrorRE.FindStringSubmatch(msg); m != nil {
		line, msg = m[1], m[2]
		// "executing "NAME" at <.Foo>: can't evaluate…" repeats the name.
		if i := strings.Index(msg, "> :"); i >= 0 {
			msg = msg[i+3:]
		} else if strings.HasPrefix(msg, "executing ") {
			if i := strings.Index(msg, ": "); i >= 0 {
				msg = msg[i+2:]
			}
		}
		msg = strings.TrimSpace(msg)
	}
	where := "template " + name
	if line != "" {
		where += ", line " + line
	}
	return hindsight.Errorf(hindsight.EINVALID,
		"%s: %s: fix the template; docs/templates.md lists the fields and functions it can use", where, msg)
}
