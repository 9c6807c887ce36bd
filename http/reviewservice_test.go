package http_test

import (
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/review"
)

// The review service is what main sets on the Server: it implements the
// interfaces http drives it through. http itself does not import review
// (TestArchitecture_HTTPImportsAllowList), so the check lives in its tests.
var (
	_ hhttp.ReviewService   = (*review.Service)(nil)
	_ hhttp.IncidentManager = (*review.Service)(nil)
)
