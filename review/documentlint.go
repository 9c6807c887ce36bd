package review

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// laterSections are the sections whose placeholders cannot be answered
// before review: the follow-up, which Hindsight fills itself 30 days after
// the resolution, and the sign-offs, which the review itself gives.
var laterSections = []string{"### Follow-up Metrics", "### Review and Approval"}

// DocumentLint returns a LintFunc that renders the post-mortem (with render,
// nil meaning the built-in template) and runs the lint package's whole rule
// set over the Markdown, as "hindsight lint" does. Findings inside the
// "Follow-up Metrics" section (Hindsight computes it 30 days after the
// resolution) and the "Review and Approval" section (the review fills it)
// are left out.
func DocumentLint(render func(io.Writer, hindsight.Postmortem) error) LintFunc {
	return func(ctx context.Context, pm hindsight.Postmortem) ([]Finding, error) {
		var buf bytes.Buffer
		if render == nil {
			render = func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
		}
		if err := render(&buf, pm); err != nil {
			return nil, err
		}
		out := []Finding{}
		for _, f := range lint.Check(pm.Incident.ID+".md", buf.Bytes()) {
			if !inSections(buf.String(), f.Line, laterSections) {
				out = append(out, Finding{Line: f.Line, Rule: f.Rule, Message: f.Message})
			}
		}
		return out, nil
	}
}

// inSections reports whether 1-based line of doc falls in one of the
// sections that start with the given headings.
func inSections(doc string, line int, headings []string) bool {
	for _, h := range headings {
		if from, to := sectionLines(doc, h); line >= from && line < to {
			return true
		}
	}
	return false
}

// sectionLines returns the 1-based lines [from, to) of the section whose
// heading starts with heading, up to the next heading; 0, 0 when absent.
func sectionLines(doc, heading string) (from, to int) {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		switch {
		case from == 0 && strings.HasPrefix(l, heading):
			from = i + 1
		case from > 0 && strings.HasPrefix(l, "#"):
			return from, i + 1
		}
	}
	if from == 0 {
		return 0, 0
	}
	return from, len(lines) + 1
}
