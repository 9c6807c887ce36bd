package lint

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Func checks a stored post-mortem and returns its findings; none means
// clean. The review workflow runs one before a document may go to review.
type Func func(ctx context.Context, pm hindsight.Postmortem) ([]hindsight.Finding, error)

// renderOrDefault is render, or postmortem.Render with the default template.
func renderOrDefault(render func(io.Writer, hindsight.Postmortem) error) func(io.Writer, hindsight.Postmortem) error {
	if render != nil {
		return render
	}
	return func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
}

// Document returns a Func that renders the post-mortem (render nil meaning
// the built-in template) and runs the whole rule set over the Markdown, as
// "hindsight lint" does, as of now (nil: the system clock): the follow-up
// metrics count only once due, and the "Review and Approval" section, which
// the review fills, is left out. Figures typed beside measured ones that
// disagree add figure-mismatch warnings.
func Document(render func(io.Writer, hindsight.Postmortem) error, now func() time.Time) Func {
	return DocumentWithPeople(render, now, nil)
}

// DocumentWithPeople is Document that also checks every "@handle" against
// the directory of people read from people at each check (nil: none), so
// that an unknown handle is an unknown-person warning.
func DocumentWithPeople(render func(io.Writer, hindsight.Postmortem) error, now func() time.Time, people hindsight.PersonService) Func {
	render = renderOrDefault(render)
	return func(ctx context.Context, pm hindsight.Postmortem) ([]hindsight.Finding, error) {
		var buf bytes.Buffer
		if err := render(&buf, pm); err != nil {
			return nil, err
		}
		at := time.Now()
		if now != nil {
			at = now()
		}
		opts := Options{Now: at, SkipSignOffs: true}
		if people != nil {
			dir, err := hindsight.LoadDirectory(ctx, people)
			if err != nil {
				return nil, err
			}
			opts.People = dir
		}
		out := []hindsight.Finding{}
		for _, f := range CheckWith("", buf.Bytes(), opts) {
			f.File = ""
			out = append(out, f)
		}
		return append(out, FigureMismatches(pm, strings.Split(buf.String(), "\n"))...), nil
	}
}

// Narrative returns a Func that checks only what people write: every
// narrative text still holding a placeholder of the template, and every
// 5-whys answer left empty. Findings carry the line of the document render
// gives. Unlike Document it leaves alone what Hindsight fills itself
// (timeline, figures, actions): a narrower gate for teams that want only
// that.
func Narrative(render func(io.Writer, hindsight.Postmortem) error) Func {
	render = renderOrDefault(render)
	return func(ctx context.Context, pm hindsight.Postmortem) ([]hindsight.Finding, error) {
		var buf bytes.Buffer
		if err := render(&buf, pm); err != nil {
			return nil, err
		}
		lines := strings.Split(buf.String(), "\n")
		var out []hindsight.Finding
		for _, t := range narrativeTexts(pm.Document.Narrative) {
			if strings.TrimSpace(t.value) == "" {
				if t.required {
					out = append(out, hindsight.Finding{Rule: RuleEmptyWhy, Field: t.field, Severity: hindsight.FindingError, Message: t.field + " is empty: answer it"})
				}
				continue
			}
			found := append(postmortem.Placeholders(t.value, false), postmortem.TemplatePeople(t.value)...)
			if len(found) > 0 {
				out = append(out, hindsight.Finding{Line: lineOf(lines, t.value), Rule: RulePlaceholder, Field: t.field, Severity: hindsight.FindingError,
					Message: fmt.Sprintf("%s still holds the placeholder %q", t.field, strings.TrimSpace(found[0]))})
			}
		}
		return out, nil
	}
}

type narrativeText struct {
	field, value string
	required     bool
}

// narrativeTexts lists every text of a narrative with its field name.
func narrativeTexts(n hindsight.Narrative) []narrativeText {
	out := []narrativeText{
		{field: "impact", value: n.Impact}, {field: "root_cause", value: n.RootCause},
		{field: "resolution", value: n.Resolution}, {field: "data_sources", value: n.DataSources},
	}
	if len(n.Whys) == 0 {
		out = append(out, narrativeText{field: "whys", required: true})
	}
	for i, w := range n.Whys {
		out = append(out, narrativeText{field: fmt.Sprintf("whys[%d].answer", i+1), value: w.Answer, required: true})
	}
	lists := []struct {
		name   string
		fields []hindsight.Field
	}{
		{"business_impact", n.BusinessImpact}, {"contributing_factors", n.ContributingFactors},
		{"went_well", n.WentWell}, {"could_improve", n.CouldImprove},
		{"technical_lessons", n.TechnicalLessons}, {"process_lessons", n.ProcessLessons},
		{"organizational_lessons", n.OrganizationalLessons}, {"evidence", n.Evidence},
		{"external_communication", n.ExternalCommunication},
	}
	for _, l := range lists {
		for _, f := range l.fields {
			out = append(out, narrativeText{field: l.name + "." + f.Label, value: f.Value})
		}
	}
	return out
}

// lineOf returns the 1-based line of the first line holding text, else 0.
func lineOf(lines []string, text string) int {
	text = strings.TrimSpace(strings.SplitN(text, "\n", 2)[0])
	for i, l := range lines {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	return 0
}
