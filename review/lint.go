package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
)

// Finding is the lint package's finding: one type for the CLI, the server
// and the review workflow.
type Finding = lint.Finding

// LintFunc checks a post-mortem and returns its findings; none means clean.
type LintFunc = lint.Func

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
		parts = append(parts, fmt.Sprintf("line %d: %s: %s", f.Line, f.Rule, f.Message))
	}
	msg := fmt.Sprintf("the post-mortem of %s cannot go to review: lint found %d problem(s): %s; fix them and submit again",
		incidentID, len(findings), strings.Join(parts, "; "))
	return &LintError{Err: hindsight.Errorf(hindsight.ECONFLICT, "%s", msg), Findings: findings}
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
