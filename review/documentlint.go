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

// followUpHeading starts the section Hindsight fills itself 30 days after
// the resolution: its placeholders cannot be answered before review.
const followUpHeading = "### Follow-up Metrics"

// DocumentLint returns a LintFunc that renders the post-mortem (with render,
// nil meaning the built-in template) and runs the lint package's whole rule
// set over the Markdown, as "hindsight lint" does. Findings inside the
// "Follow-up Metrics" section are left out: Hindsight computes it 30 days
// after the resolution, long after review.
func DocumentLint(render func(io.Writer, hindsight.Postmortem) error) LintFunc {
	return func(ctx context.Context, pm hindsight.Postmortem) ([]Finding, error) {
		var buf bytes.Buffer
		if render == nil {
			render = func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
		}
		if err := render(&buf, pm); err != nil {
			return nil, err
		}
		from, to := sectionLines(buf.String(), followUpHeading)
		out := []Finding{}
		for _, f := range lint.Check(pm.Incident.ID+".md", buf.Bytes()) {
			if f.Line >= from && f.Line < to {
				continue
			}
			out = append(out, Finding{Line: f.Line, Rule: f.Rule, Message: f.Message})
		}
		return out, nil
	}
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
