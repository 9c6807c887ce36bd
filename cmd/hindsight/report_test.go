package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func TestReport_CLI(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	t.Setenv("HINDSIGHT_DB", "")
	db := mustActionsDB(t)

	t.Run("ActionsCSV", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "report", "actions", "--db", db, "--owner", "@ana")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("encoding/csv: %v\n%s", err, out)
		}
		// Handles start with @, which a spreadsheet reads as a formula.
		if len(recs) != 3 || recs[0][3] != "owner" || recs[1][2] != "Alert earlier" || recs[1][3] != "'@ana" ||
			recs[1][6] != "true" || recs[2][2] != "Clean logs" || recs[2][5] != "done" {
			t.Fatalf("records %q", recs)
		}
	})
	t.Run("IncidentsJSON", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "report", "incidents", "--db", db, "--format", "json", "--severity", "sev2")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rep struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Total != 1 || rep.Items[0]["id"] != "INCIDENT-20200106-1000-diskfull" ||
			rep.Items[0]["time_to_resolve"].(map[string]any)["value"] != 60.0 {
			t.Fatalf("report %s", out)
		}
	})
	t.Run("FilterExcludes", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "report", "incidents", "--db", db, "--severity", "SEV1")
		if code != 0 || strings.Count(out, "\n") != 1 {
			t.Fatalf("exit %d, want the header alone:\n%s", code, out)
		}
	})
	t.Run("BadFlags", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "report", "incidents", "--db", db, "--format", "xlsx")
		if code != 2 || out != "" || !strings.Contains(errOut, "use csv or json") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		code, _, errOut = runCLI(t, "", "report", "incidents", "--db", db, "--from", "yesterday", "--doc-status", "SIGNED")
		if code != 2 || !strings.Contains(errOut, "--from") || !strings.Contains(errOut, "--doc-status") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if strings.Count(errOut, "\n") != 1 {
			t.Errorf("want one line, got %q", errOut)
		}
	})
}
