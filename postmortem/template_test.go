package postmortem_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// customTemplate is the example of docs/templates.md.
const customTemplate = `# {{.Title}} ({{.Severity}})

Services: {{.Services}}. Started {{.Start}}, {{if .Resolved}}resolved {{.End}}{{else}}ongoing{{end}}.
Budget: {{.SLO.BudgetMinutes}} minutes per {{.SLO.Window}}.
{{range .Timeline}}{{range .Rows}}{{if not .Placeholder}}
- {{.Time}} {{.Action}}{{end}}{{end}}{{end}}
{{range .Actions}}{{range .Rows}}
| {{cell .Title}} | {{.Owner}} | {{.DueDate}} |{{end}}{{end}}
Author: {{handle .AuthorName}}, review {{.NextReviewDate}}
`

func TestParseTemplate_Custom(t *testing.T) {
	tmpl, err := postmortem.ParseTemplate("team.md.tmpl", customTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := postmortem.Render(&buf, seedDraft(), tmpl); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# HighAPIErrorRate (SEV2)",
		"Services: api, database, load-balancer. Started 2025-09-30 00:24, ongoing.",
		"Budget: 43.2 minutes per 30 days.",
		"- 00:24 Alert fired: HighAPIErrorRate",
		"| [Architecture change] | @team | 2025-12-30 |",
		"Author: @parallels, review 2026-03-30",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("custom template output lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestParseTemplate_Errors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // fragments of the error message
	}{
		{"UnknownField", "line one\n{{.Titel}}\n", []string{"template team.tmpl, line 2", `can't evaluate field Titel`, "docs/templates.md"}},
		{"UnknownFunc", "\n\n{{shout .Title}}", []string{"template team.tmpl, line 3", `function "shout" not defined`}},
		{"Unclosed", "{{range .Actions}}\n", []string{"template team.tmpl, line 2", "unexpected EOF"}},
		{"WrongType", "{{cell .Actions}}", []string{"template team.tmpl, line 1", "wrong type for value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := postmortem.ParseTemplate("team.tmpl", tt.text)
			if err == nil {
				t.Fatal("want an error")
			}
			if code := hindsight.ErrorCode(err); code != hindsight.EINVALID {
				t.Errorf("code = %q, want %q", code, hindsight.EINVALID)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadTemplate(t *testing.T) {
	dir := t.TempDir()
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(dir, "ok.tmpl")
		if err := os.WriteFile(path, []byte(customTemplate), 0o644); err != nil {
			t.Fatal(err)
		}
		tmpl, err := postmortem.LoadTemplate(path)
		if err != nil {
			t.Fatal(err)
		}
		if tmpl.Name() != path {
			t.Errorf("Name() = %q, want %q", tmpl.Name(), path)
		}
	})
	t.Run("ErrMissingFile", func(t *testing.T) {
		path := filepath.Join(dir, "missing.tmpl")
		_, err := postmortem.LoadTemplate(path)
		if err == nil || !strings.Contains(err.Error(), "cannot read template "+path+": no such file or directory") ||
			hindsight.ErrorCode(err) != hindsight.EINVALID {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrBadTemplateNamesFile", func(t *testing.T) {
		path := filepath.Join(dir, "bad.tmpl")
		if err := os.WriteFile(path, []byte("ok\n{{.Nope}}"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := postmortem.LoadTemplate(path)
		if err == nil || !strings.Contains(err.Error(), "template "+path+", line 2") {
			t.Errorf("err = %v", err)
		}
	})
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRender(t *testing.T) {
	t.Run("DefaultTemplateWhenNil", func(t *testing.T) {
		var a, b bytes.Buffer
		if err := postmortem.Render(&a, seedDraft(), nil); err != nil {
			t.Fatal(err)
		}
		if err := postmortem.Render(&b, seedDraft(), postmortem.DefaultTemplate()); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Error("Render with nil must use the default template")
		}
	})
	t.Run("ErrWriter", func(t *testing.T) {
		err := postmortem.Render(failingWriter{}, seedDraft(), nil)
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("NothingWrittenOnTemplateError", func(t *testing.T) {
		// The sample check passes, but this post-mortem has no sign-offs:
		// index 0 is out of range only here.
		tmpl, err := postmortem.ParseTemplate("t", "partial {{(index .Postmortem.SignOffs 0).Signer}}")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		err = postmortem.Render(&buf, seedDraft(), tmpl)
		if err == nil || buf.Len() != 0 {
			t.Errorf("err = %v, output %q: want an error and no output", err, buf.String())
		}
		if !strings.Contains(err.Error(), "template t, line 1") {
			t.Errorf("err = %v, want the template and line", err)
		}
	})
	t.Run("DefaultTemplateText", func(t *testing.T) {
		tmpl, err := postmortem.ParseTemplate("copy", postmortem.DefaultTemplateText())
		if err != nil {
			t.Fatal(err)
		}
		var a, b bytes.Buffer
		_ = postmortem.Render(&a, resolvedPostmortem(), tmpl)
		_ = postmortem.Render(&b, resolvedPostmortem(), nil)
		if a.String() != b.String() {
			t.Error("a copy of the default template must render the same document")
		}
	})
}
