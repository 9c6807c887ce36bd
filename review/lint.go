package review

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Finding is one lint finding: where, which rule, and what is wrong.
type Finding struct {
	// Line is the line of the rendered document, 0 when unknown.
	Line    int    `json:"line"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// Field names the narrative field, such as "whys[2].answer".
	Field string `json:"field,omitempty"`
}

// String returns "line: rule: message", the form of lint's output.
func (f Finding) String() string {
	return fmt.Sprintf("%d: %s: %s", f.Line, f.Rule, f.Message)
}

// LintFunc checks a post-mortem and returns its findings; none means clean.
type LintFunc func(ctx context.Context, pm hindsight.Postmortem) ([]Finding, error)

// LintError refuses a submission for review: an ECONFLICT error whose
// message lists the findings, with the findings themselves for the API.
type LintError struct {
	Err      *hindsight.Error
	Findings []Finding
}

// Error returns the conflict's message.
func (e *LintError) Error() string { return e.Err.Error() }

// Unwrap returns the conflict, so that hindsight.ErrorCode sees ECONFLICT.
func (e *LintError) Unwrap() error { return e.Err }

// maxListed bounds how many findings the error message spells out.
const maxListed = 10

func newLintError(incidentID string, findings []Finding) *LintError {
	parts := make([]string, 0, maxListed)
	for i, f := range findings {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(findings)-maxListed))
			break
		}
		parts = append(parts, "line "+f.String())
	}
	msg := fmt.Sprintf("the post-mortem of %s cannot go to review: lint found %d problem(s): %s; fix them and submit again",
		incidentID, len(findings), strings.Join(parts, "; "))
	return &LintError{Err: hindsight.Errorf(hindsight.ECONFLICT, "%s", msg), Findings: findings}
}

// placeholderRE matches what the seed leaves for people to fill: bracketed
// hints ("[Direct cause]", but not Markdown links), a lone X or Y figure,
// TBD, HH:MM, and the template's people.
var placeholderRE = regexp.MustCompile(`\[[^\]]+\](?:[^(]|$)|\b[XYZ]\b|\bTBD\b|HH:MM|@manager\b|@director\b|@team\b`)

// NarrativeLint returns a LintFunc that checks what people write: every
// narrative text still holding a placeholder of the seed, and every 5-whys
// answer left empty. Findings carry the line of the document render gives.
// Unlike DocumentLint it leaves alone what Hindsight fills itself (timeline,
// figures, actions): a narrower gate for teams that want only that.
func NarrativeLint(render func(io.Writer, hindsight.Postmortem) error) LintFunc {
	return func(ctx context.Context, pm hindsight.Postmortem) ([]Finding, error) {
		var buf bytes.Buffer
		if render == nil {
			render = func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
		}
		if err := render(&buf, pm); err != nil {
			return nil, err
		}
		lines := strings.Split(buf.String(), "\n")
		var out []Finding
		for _, t := range narrativeTexts(pm.Document.Narrative) {
			if strings.TrimSpace(t.value) == "" {
				if t.required {
					out = append(out, Finding{Rule: "empty-why", Field: t.field, Message: t.field + " is empty: answer it"})
				}
				continue
			}
			if m := placeholderRE.FindString(t.value); m != "" {
				out = append(out, Finding{Line: lineOf(lines, t.value), Rule: "placeholder", Field: t.field,
					Message: fmt.Sprintf("%s still holds the placeholder %q", t.field, strings.TrimSpace(m))})
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

// LintPostmortem returns the findings of an incident's post-mortem as it is
// stored. Errors: ENOTFOUND.
func (s *Service) LintPostmortem(ctx context.Context, incidentID string) ([]Finding, error) {
	pm, err := s.Store.FindPostmortem(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if pm.Document.Version == 0 {
		return nil, noDocument(incidentID)
	}
	findings, err := s.lint(ctx, *pm)
	if findings == nil {
		findings = []Finding{}
	}
	return findings, err
}

func noDocument(incidentID string) error {
	return hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no post-mortem", incidentID)
}
