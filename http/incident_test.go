package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// seedIncidents stores incidents a, b, c, d started an hour apart from
// 2026-11-27T01:00Z, with different statuses, severities and services.
func seedIncidents(t *testing.T, ts *testServer) {
	t.Helper()
	rows := []struct {
		title    string
		severity hindsight.Severity
		status   hindsight.IncidentStatus
		services []string
	}{
		{"a", hindsight.SEV1, hindsight.IncidentResolved, []string{"api"}},
		{"b", hindsight.SEV2, hindsight.IncidentInvestigating, []string{"api", "db"}},
		{"c", hindsight.SEV3, hindsight.IncidentResolved, []string{"web"}},
		{"d", hindsight.SEV2, hindsight.IncidentMitigated, []string{"db"}},
	}
	for i, r := range rows {
		start := time.Date(2026, 11, 27, 1+i, 0, 0, 0, time.UTC)
		inc := &hindsight.Incident{ID: hindsight.IncidentID(start, r.title), Title: r.title, Severity: r.severity,
			Status: r.status, Services: r.services, StartedAt: start}
		if r.status == hindsight.IncidentResolved {
			end := start.Add(30 * time.Minute)
			inc.ResolvedAt = &end
		}
		if err := ts.store.CreateIncident(context.Background(), inc); err != nil {
			t.Fatal(err)
		}
	}
}

// listBody is GET /api/v1/incidents's answer.
type listBody struct {
	Incidents []struct {
		ID         string   `json:"id"`
		Title      string   `json:"title"`
		Severity   string   `json:"severity"`
		Status     string   `json:"status"`
		Services   []string `json:"services"`
		StartedAt  string   `json:"started_at"`
		ResolvedAt *string  `json:"resolved_at"`
	} `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	Fields []struct {
		Field string `json:"field"`
	} `json:"fields"`
}

// get reads path as a viewer (reads need a signed-in viewer unless
// AnonymousRead is set).
func (ts *testServer) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ts.viewer)
	return mustDo(t, http.DefaultClient, req)
}

func TestIncidentList(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	seedIncidents(t, ts)
	tests := []struct {
		name   string
		query  url.Values
		titles string // newest first
		total  int
	}{
		{"All", nil, "d,c,b,a", 4},
		{"Status", url.Values{"status": {"RESOLVED"}}, "c,a", 2},
		{"StatusWithSpace", url.Values{"status": {"UNDER INVESTIGATION"}}, "b", 1},
		{"Severity", url.Values{"severity": {"SEV2"}}, "d,b", 2},
		{"Service", url.Values{"service": {"db"}}, "d,b", 2},
		{"FromInclusive", url.Values{"from": {"2026-11-27T02:00:00Z"}}, "d,c,b", 3},
		{"ToExclusive", url.Values{"to": {"2026-11-27T03:00:00Z"}}, "b,a", 2},
		{"Combined", url.Values{"service": {"api"}, "status": {"RESOLVED"}, "from": {"2026-11-27T00:00:00Z"}}, "a", 1},
		{"Page", url.Values{"limit": {"2"}, "offset": {"1"}}, "c,b", 4},
		{"PagePastEnd", url.Values{"limit": {"2"}, "offset": {"4"}}, "", 4},
		{"NoMatch", url.Values{"service": {"none"}}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := ts.get(t, "/api/v1/incidents?"+tt.query.Encode())
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
			var got listBody
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, inc := range got.Incidents {
				titles = append(titles, inc.Title)
			}
			if strings.Join(titles, ",") != tt.titles || got.Total != tt.total {
				t.Errorf("titles %v total %d, want %s total %d", titles, got.Total, tt.titles, tt.total)
			}
		})
	}
}

func TestIncidentList_Row(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	seedIncidents(t, ts)
	_, b := ts.get(t, "/api/v1/incidents?severity=SEV1")
	var got listBody
	if err := json.Unmarshal(b, &got); err != nil || len(got.Incidents) != 1 {
		t.Fatalf("%s (%v)", b, err)
	}
	row := got.Incidents[0]
	if row.ID != "INCIDENT-20261127-0100-a" || row.Severity != "SEV1" || row.Status != "RESOLVED" ||
		!slices.Equal(row.Services, []string{"api"}) || row.StartedAt != "2026-11-27T01:00:00Z" ||
		row.ResolvedAt == nil || *row.ResolvedAt != "2026-11-27T01:30:00Z" {
		t.Errorf("row %+v", row)
	}
	if got.Limit != hindsight.DefaultPageLimit || got.Offset != 0 {
		t.Errorf("page %d+%d, want 0+%d", got.Offset, got.Limit, hindsight.DefaultPageLimit)
	}
}

func TestIncidentList_BadParameters(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	q := url.Values{"status": {"OPEN"}, "severity": {"SEV9"}, "from": {"yesterday"}, "to": {"2026-13-01"},
		"offset": {"-1"}, "limit": {"many"}}
	resp, b := ts.get(t, "/api/v1/incidents?"+q.Encode())
	if resp.StatusCode != 400 {
		t.Fatalf("status %d, want 400: %s", resp.StatusCode, b)
	}
	var got listBody
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, f := range got.Fields {
		fields = append(fields, f.Field)
	}
	if want := "from,limit,offset,severity,status,to"; strings.Join(fields, ",") != want {
		t.Errorf("fields %v, want %s", fields, want)
	}
}

func TestPostmortemMarkdown(t *testing.T) {
	t.Parallel()
	ts := MustOpenServer(t, nil)
	status, body := ts.post(t, fixture(t, "1-group-firing-3-alerts.json"), bearer(token))
	if status != 200 {
		t.Fatalf("webhook status %d: %v", status, body)
	}
	drafted := body["incident_id"].(string)
	seedIncidents(t, ts) // incidents stored without a draft

	t.Run("Drafted", func(t *testing.T) {
		resp, b := ts.get(t, "/api/v1/incidents/"+drafted+"/postmortem.md")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") {
			t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
		for _, want := range []string{"HighAPIErrorRate", drafted, "SEV2"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("document lacks %q", want)
			}
		}
	})
	for _, tt := range []struct{ name, id, message string }{
		{"UnknownID", "INCIDENT-20000101-0000-nothing", "not found"},
		{"NoDraft", "INCIDENT-20261127-0300-c", "no post-mortem"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := ts.get(t, "/api/v1/incidents/"+tt.id+"/postmortem.md")
			var e struct{ Error, Code string }
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatalf("status %d, body not JSON: %s", resp.StatusCode, b)
			}
			if resp.StatusCode != 404 || e.Code != hindsight.ENOTFOUND || !strings.Contains(e.Error, tt.message) {
				t.Errorf("status %d body %s, want 404 with %q", resp.StatusCode, b, tt.message)
			}
		})
	}
}
