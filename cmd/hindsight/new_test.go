package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedArgs are the seed document's inputs.
var seedArgs = []string{
	"new", "--alert", "HighAPIErrorRate", "--severity", "SEV2", "--author", "parallels",
	"--start", "2025-09-30 00:24", "--summary", "API 5xx error rate exceeded threshold during peak hours",
	"--service", "api", "--service", "database", "--service", "load-balancer", "--generated-at", "2025-09-30 00:24",
}

func TestNew_SeedInputs(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	code, out, errOut := runCLI(t, "", append(seedArgs, "--out", "-")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, err := os.ReadFile("../../postmortem/testdata/golden/seed-inputs.md")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Fatalf("hindsight new with the seed's inputs differs from postmortem/testdata/golden/seed-inputs.md:\n%s", out)
	}
}

func TestNew_WritesFile(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "", append(seedArgs, "--out", dir)...)
	path := filepath.Join(dir, "2025-09-30-highapierrorrate.md")
	if code != 0 || strings.TrimSpace(out) != path {
		t.Fatalf("exit %d, stdout %q, stderr %q; want the path %s printed", code, out, errOut, path)
	}
	first, _ := os.ReadFile(path)

	t.Run("ErrExists", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", append(seedArgs, "--out", dir, "--summary", "changed")...)
		if code != 2 || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "--force") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if now, _ := os.ReadFile(path); string(now) != string(first) {
			t.Fatal("existing document changed without --force")
		}
	})
	t.Run("Force", func(t *testing.T) {
		if code, _, errOut := runCLI(t, "", append(seedArgs, "--out", dir, "--summary", "changed", "--force")...); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if now, _ := os.ReadFile(path); !strings.Contains(string(now), "- What: changed") {
			t.Fatal("--force did not overwrite")
		}
	})
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("output directory holds %d entries, want only the document (no temporary files)", len(entries))
	}
}

func TestNew_FromAlertmanager(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	payload := "../../testdata/alertmanager/1-group-firing-3-alerts.json"
	t.Run("File", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "new", "--from-alertmanager", payload, "--out", "-", "--author", "oncall")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{
			"# Post-Mortem: HighAPIErrorRate",
			"**Incident ID**: `INCIDENT-20261127-0559-highapierrorrate`",
			"**Severity**: SEV2",
			"- What: API 5xx error rate exceeded threshold during peak hours",
			"- When: 2026-11-27 05:59 to TBD (TBD)",
			"- **Regions**: eu-west-1",
			"- **Services**: api",
			"| 05:59 | Initial trigger | System | Alert fired: HighAPIErrorRate |",
			"<https://runbooks.example.com/high-api-error-rate>",
			"<https://grafana.example.com/d/api-errors>",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("document lacks %q", want)
			}
		}
	})
	t.Run("StdinAndFlagsWin", func(t *testing.T) {
		data, err := os.ReadFile(payload)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, string(data), "new", "--from-alertmanager", "-", "--out", "-",
			"--severity", "SEV1", "--service", "api,checkout", "--start", "2026-11-27 05:50", "--summary", "Checkout down")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"**Severity**: SEV1", "- **Services**: api, checkout", "- What: Checkout down", "INCIDENT-20261127-0550-highapierrorrate"} {
			if !strings.Contains(out, want) {
				t.Errorf("document lacks %q", want)
			}
		}
	})
	t.Run("Resolved", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "new", "--from-alertmanager", "../../testdata/alertmanager/4-group-all-resolved.json", "--out", "-")
		// The alerts fired at 05:59:53.81 and resolved at 06:00:25.81:
		// 32 seconds, which reads as seconds, not "1 minute".
		if code != 0 || !strings.Contains(out, "- When: 2026-11-27 05:59 to 2026-11-27 06:00 (32 seconds)") {
			t.Fatalf("exit %d; resolved payload did not fill When:\n%s", code, out)
		}
	})
}

func TestNew_CustomTemplate(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "team.tmpl")
	if err := os.WriteFile(tmpl, []byte("# {{.Title}} ({{.Severity}})\nServices: {{.Services}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", append(seedArgs, "--out", "-", "--template", tmpl)...)
	if code != 0 || out != "# HighAPIErrorRate (SEV2)\nServices: api, database, load-balancer\n" {
		t.Fatalf("exit %d, stderr %q, output:\n%s", code, errOut, out)
	}
}

func TestNew_BadInput(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "notes.txt")
	noAlerts := filepath.Join(dir, "empty.json")
	badTmpl := filepath.Join(dir, "bad.tmpl")
	readOnly := filepath.Join(dir, "ro")
	_ = os.WriteFile(notJSON, []byte("hello"), 0o644)
	_ = os.WriteFile(noAlerts, []byte(`{"version":"4","status":"firing","alerts":[]}`), 0o644)
	_ = os.WriteFile(badTmpl, []byte("{{.Nope"), 0o644)
	_ = os.MkdirAll(readOnly, 0o555)
	out := filepath.Join(dir, "out")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrUnknownSeverity", []string{"new", "--alert", "A", "--severity", "SEV9"}, "unknown severity"},
		{"ErrBadTime", []string{"new", "--alert", "A", "--start", "yesterday"}, "--start: cannot read time"},
		{"ErrNoAlertName", []string{"new", "--severity", "SEV2"}, "no alert name"},
		{"ErrNotJSON", []string{"new", "--from-alertmanager", notJSON}, "not a usable Alertmanager webhook payload"},
		{"ErrNoAlerts", []string{"new", "--from-alertmanager", noAlerts}, "no alerts"},
		{"ErrMissingPayload", []string{"new", "--from-alertmanager", filepath.Join(dir, "missing.json")}, "cannot read the Alertmanager payload"},
		{"ErrBadTemplate", []string{"new", "--alert", "A", "--template", badTmpl}, "bad.tmpl"},
		{"ErrMissingTemplate", []string{"new", "--alert", "A", "--template", filepath.Join(dir, "none.tmpl")}, "none.tmpl"},
		{"ErrUnknownFlag", []string{"new", "--alrt", "A"}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", append(tt.args, "--out", out)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("stderr %q: want one line containing %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Fatalf("stdout %q, want nothing", stdout)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("the output directory was created although nothing was written")
			}
		})
	}
	if os.Geteuid() != 0 {
		t.Run("ErrUnwritableDir", func(t *testing.T) {
			code, _, stderr := runCLI(t, "", "new", "--alert", "A", "--out", readOnly)
			if code != 2 || !strings.Contains(stderr, "cannot write") {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
		})
	}
	t.Run("ErrOutIsAFile", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", "new", "--alert", "A", "--out", notJSON)
		if code != 2 || !strings.Contains(stderr, "--out") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
}
