package http_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func TestUI_IncidentListColumnsAndFilters(t *testing.T) {
	e := mustOpenUI(t, nil)
	start := time.Date(2025, 10, 2, 9, 0, 0, 0, time.UTC)
	resolved := start.Add(15 * time.Second)
	other := hindsight.Incident{ID: hindsight.IncidentID(start, "BillingLag"), Title: "BillingLag", AlertName: "BillingLag",
		Severity: hindsight.SEV4, Status: hindsight.IncidentResolved, Services: []string{"Billing"}, StartedAt: start, ResolvedAt: &resolved}
	if err := e.store.CreateIncident(context.Background(), &other); err != nil {
		t.Fatal(err)
	}
	b := e.signedIn(t, hindsight.RoleViewer)
	_, page := b.get("/incidents")
	for _, want := range []string{"<th>Post-mortem</th>", "<th>Duration</th>", "<td class=\"nowrap\">15 seconds</td>",
		`<span class="badge st-draft">DRAFT</span>`, "<option>Billing</option>", "<option>api</option>", `<option value="NONE">none</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the list lacks %s", want)
		}
	}
	for _, tt := range []struct {
		name, query string
		want, not   string
	}{
		{"ServiceAnyCase", "?service=BILLING", other.ID, e.incident},
		{"PostmortemNone", "?postmortem=NONE", other.ID, e.incident},
		{"PostmortemDraft", "?postmortem=DRAFT", e.incident, other.ID},
		{"DateRange", "?from=2025-10-01&to=2025-10-02", other.ID, e.incident},
		{"DateRangeExcludes", "?from=2025-09-01&to=2025-09-30", e.incident, other.ID},
		{"Severity", "?severity=SEV4", other.ID, e.incident},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := b.get("/incidents" + tt.query)
			wantStatus(t, tt.query, resp, page, http.StatusOK)
			if !strings.Contains(page, "/incidents/"+tt.want+`"`) || strings.Contains(page, "/incidents/"+tt.not+`"`) {
				t.Errorf("%s: want %s listed and %s not", tt.query, tt.want, tt.not)
			}
		})
	}
	for _, bad := range []string{"?from=yesterday", "?postmortem=LOST", "?from=2025-10-02&to=2025-10-01"} {
		if resp, page := b.get("/incidents" + bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400\n%.300s", bad, resp.StatusCode, page)
		}
	}
}
