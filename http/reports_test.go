package http_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestReports_HTTP(t *testing.T) {
	e := mustOpenAPIEnv(t)

	t.Run("ActionsCSV", func(t *testing.T) {
		req := e.jsonRequest(t, http.MethodGet, "/api/v1/reports/actions.csv?owner=@sre", "")
		req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleViewer])
		resp, body := mustDo(t, http.DefaultClient, req)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="actions.csv"`) {
			t.Fatalf("%d %v\n%s", resp.StatusCode, resp.Header, body)
		}
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[1][1] != e.incident || recs[1][2] != "Alert on the 5xx ratio per route" || recs[1][3] != "'@sre" || recs[1][5] != "in_progress" {
			t.Fatalf("records %q", recs)
		}
	})
	t.Run("IncidentsCSVFiltered", func(t *testing.T) {
		status, body := e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/reports/incidents.csv?status=RESOLVED", "")
		if status != http.StatusOK || strings.Count(string(body), "\n") != 1 {
			t.Fatalf("%d, want the header alone (the incident is MITIGATED):\n%s", status, body)
		}
		status, body = e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/reports/incidents.csv?status=MITIGATED", "")
		if status != http.StatusOK || !strings.Contains(string(body), e.incident) {
			t.Fatalf("%d:\n%s", status, body)
		}
	})
	t.Run("BadFilter", func(t *testing.T) {
		status, body := e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/reports/incidents.csv?severity=SEV9&from=yesterday", "")
		e.checkError(t, "/api/v1/reports/incidents.csv", status, http.StatusBadRequest, body)
		status, body = e.call(t, hindsight.RoleViewer, http.MethodGet, "/api/v1/reports/actions.json?status=finished", "")
		e.checkError(t, "/api/v1/reports/actions.json", status, http.StatusBadRequest, body)
	})
	t.Run("NoCredentials", func(t *testing.T) {
		status, body := e.call(t, "", http.MethodGet, "/api/v1/reports/actions.csv", "")
		e.checkError(t, "/api/v1/reports/actions.csv", status, http.StatusUnauthorized, body)
	})
}
