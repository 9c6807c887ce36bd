package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestDeclare declares incidents from the CLI into the store a
// ./hindsight.yaml names, as "serve" would find it, and checks that the
// command says where it wrote.
func TestDeclare(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "from-config.db")
	if err := os.WriteFile(filepath.Join(dir, "hindsight.yaml"), []byte("server:\n  db: "+db+"\nauthor: \"@ana\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("HINDSIGHT_CONFIG", "")
	t.Setenv("HINDSIGHT_DB", "")

	code, out, errOut := runCLI(t, "", "declare", "--title", "Checkout errors reported by customers", "--severity", "SEV2",
		"--service", "checkout,api", "--region", "eu-west-1", "--started-at", "2025-09-30T00:24:00Z", "--summary", "Customers could not pay")
	if code != 0 || strings.TrimSpace(out) != "INCIDENT-20250930-0024-checkout-errors-reported-by-customers" {
		t.Fatalf("exit %d: %q %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "wrote to store "+db) {
		t.Errorf("stderr does not name the store: %q", errOut)
	}
	code, out2, _ := runCLI(t, "", "declare", "--title", "Checkout errors reported by customers", "--severity", "SEV4", "--started-at", "2025-09-30T00:24:30Z")
	if code != 0 || strings.TrimSpace(out2) != strings.TrimSpace(out)+"-2" {
		t.Fatalf("same minute, same title: exit %d %q", code, out2)
	}
	for _, bad := range [][]string{
		{"declare", "--title", " ", "--severity", "SEV2"},
		{"declare", "--title", "x", "--severity", "SEV9"},
		{"declare", "--title", "x", "--severity", "SEV2", "--started-at", "yesterday"},
		{"declare", "--title", "x", "--severity", "SEV2", "--started-at", "2999-01-01T00:00:00Z"},
	} {
		if code, _, errOut := runCLI(t, "", bad...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d %q", bad, code, errOut)
		}
	}

	s := teststore.Open(t, db)
	defer s.Close()
	pm, err := s.FindPostmortem(context.Background(), strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	inc := pm.Incident
	if inc.Severity != hindsight.SEV2 || inc.Author != "ana" || strings.Join(inc.Services, ",") != "checkout,api" || inc.Summary != "Customers could not pay" {
		t.Errorf("incident %+v", inc)
	}
	if pm.Document.Version == 0 || len(pm.Timeline) != 1 || pm.Timeline[0].Type != hindsight.EventDeclared || pm.Timeline[0].Actor != "ana" {
		t.Errorf("SEV2 declared: document v%d, timeline %+v", pm.Document.Version, pm.Timeline)
	}
	low, err := s.FindPostmortem(context.Background(), strings.TrimSpace(out2))
	if err != nil || low.Document.Version != 0 {
		t.Errorf("SEV4 declared got a draft below draft_min_severity: %+v %v", low, err)
	}
	if _, total, _ := s.FindIncidents(context.Background(), hindsight.IncidentFilter{}); total != 2 {
		t.Errorf("%d incidents after the refused declarations, want 2", total)
	}
}

func TestToken_DisplayAndHandle(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	db := teststore.SQLiteDSN(t)
	code, out, errOut := runCLI(t, "", "token", "create", "--name", "lead", "--role", "approver", "--display", "On-call lead", "--handle", "@lead", "--db", db)
	if code != 0 || !strings.Contains(out, "shown as On-call lead (@lead)") || !strings.Contains(errOut, "wrote to store "+db) {
		t.Fatalf("exit %d: %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "token", "create", "--name", "x", "--role", "viewer", "--handle", "@no spaces", "--db", db); code != 2 || !strings.Contains(errOut, "handle") {
		t.Fatalf("bad handle: exit %d %q", code, errOut)
	}
	code, out, _ = runCLI(t, "", "token", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "@lead") || !strings.Contains(out, "On-call lead") {
		t.Fatalf("list: %s", out)
	}
}
