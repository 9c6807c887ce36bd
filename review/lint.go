package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
)

// LintFunc checks a post-mortem and returns its findings; none means clean.
type LintFunc = lint.Func

// maxListed bounds how many findings the error message spells out.
const maxListed = 10

func newLintError(incidentID string, findings []hindsight.Finding) *hindsight.LintError {
	parts := make([]string, 0, maxListed)
	for i, f := range findings {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(findings)-maxListed))
			break
		}
		parts = append(parts, fmt.Sprintf("line %d: %s: %s", f.Line, f.Rule, f.Message))
	}
	msg := fmt.Sprintf("the post-mortem of %s cannot go to review: lint found %d problem(s): %s; fix them and submit again",
		incidentID, len(findings), strings.Join(parts, "; "))
	return &hindsight.LintError{Err: hindsight.Errorf(hindsight.ECONFLICT, "%s", msg), Findings: findings}
}

// LintPostmortem returns the findings of an incident's post-mortem as it is
// stored. Errors: ENOTFOUND.
func (s *Service) LintPostmortem(ctx context.Context, incidentID string) ([]hindsight.Finding, error) {
	pm, err := s.Store.FindPostmortem(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if pm.Document.Version == 0 {
		return nil, noDocument(incidentID)
	}
	findings, err := s.lint(ctx, *pm)
	if findings == nil {
		findings = []hindsight.Finding{}
	}
	return findings, err
}

func noDocument(incidentID string) error {
	return hindsight.Errorf(hindsight.ENOTFOUND, "incident %s has no post-mortem", incidentID)
}
