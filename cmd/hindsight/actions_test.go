package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// mustActionsDB stores a resolved incident with one overdue and one later
// action item and returns the database path.
func mustActionsDB(t *testing.T) string {
	t.Helper()
	db := teststore.SQLiteDSN(t)
	ctx := context.Background()
	s := teststore.Open(t, db)
	defer s.Close()
	start := time.Date(2020, 1, 6, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	inc := &hindsight.Incident{ID: "INCIDENT-20200106-1000-diskfull", Title: "DiskFull", AlertName: "DiskFull", Severity: hindsight.SEV2,
		Status: hindsight.IncidentResolved, StartedAt: start, ResolvedAt: &end}
	if err := s.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*hindsight.ActionItem{
		{IncidentID: inc.ID, Title: "Grow the disk", Owner: "@bo", Horizon: hindsight.HorizonLong, DueDate: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), Status: hindsight.ActionOpen},
		{IncidentID: inc.ID, Title: "Alert earlier", Owner: "@ana", Horizon: hindsight.HorizonImmediate, DueDate: start.AddDate(0, 0, 7), Status: hindsight.ActionInProgress},
		{IncidentID: inc.ID, Title: "Clean logs", Owner: "@ana", Horizon: hindsight.HorizonImmediate, DueDate: start.AddDate(0, 0, 7), Status: hindsight.ActionDone},
	} {
		if err := s.CreateActionItem(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestActions_List(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	t.Setenv("HINDSIGHT_DB", "")
	db := mustActionsDB(t)

	t.Run("TableOverdueFirst", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "actions", "--db", db)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[1], "Alert earlier") ||
			!strings.Contains(lines[1], "2020-01-13 OVERDUE") || !strings.Contains(lines[2], "Clean logs") || !strings.Contains(lines[3], "Grow the disk") {
			t.Fatalf("table:\n%s", out)
		}
	})
	t.Run("JSONOverdueOwner", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "actions", "--db", db, "--overdue", "--owner", "@ana", "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			Items []hindsight.ActionItem `json:"items"`
			Total int                    `json:"total"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || got.Total != 1 || got.Items[0].Title != "Alert earlier" {
			t.Fatalf("json %v:\n%s", err, out)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "actions", "--db", db, "--owner", "@nobody")
		if code != 0 || strings.TrimSpace(out) != "No action items." {
			t.Fatalf("exit %d: %q", code, out)
		}
	})
	for _, tt := range []struct {
		name string
		args []string
		text string
	}{
		{"ErrFormat", []string{"--format", "xml"}, "use table or json"},
		{"ErrStatus", []string{"--status", "later"}, "unknown action status"},
		{"ErrStore", []string{"--db", filepath.Join(t.TempDir(), "missing", "h.db")}, "does not exist"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"actions", "--db", db}, tt.args...)
			code, _, errOut := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(errOut, tt.text) || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
		})
	}
}

func TestFollowUp_Command(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	t.Setenv("HINDSIGHT_DB", "")
	db := mustActionsDB(t)
	code, out, errOut := runCLI(t, "", "followup", "INCIDENT-20200106-1000-diskfull", "--db", db)
	if code != 0 || !strings.Contains(out, "Similar incidents since resolution: 0") || !strings.Contains(out, "Action items completion rate: 33.3% (1 of 3 done)") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "followup", "INCIDENT-nope", "--db", db)
	if code != 2 || !strings.Contains(errOut, "not found") {
		t.Fatalf("unknown incident: exit %d %q", code, errOut)
	}
}
