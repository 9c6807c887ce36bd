package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestLint_ExitCodes(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	seed := filepath.Join("..", "..", "testdata", "seed-postmortem.md")
	complete := filepath.Join("..", "..", "lint", "testdata", "complete.md")
	t.Run("Clean", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "lint", complete)
		if code != 0 || out != "" || errOut != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
	t.Run("Findings", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "lint", seed, complete)
		if code != 1 || !strings.HasPrefix(out, seed+":13: placeholder: ") {
			t.Fatalf("exit %d, stdout %q", code, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if parts := strings.SplitN(line, ": ", 3); len(parts) != 3 || !strings.HasPrefix(parts[0], seed+":") {
				t.Errorf("line %q is not file:line: rule: message", line)
			}
		}
	})
	t.Run("JSON", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "lint", "--format", "json", seed)
		var fs []hindsight.Finding
		if err := json.Unmarshal([]byte(out), &fs); err != nil || code != 1 || len(fs) == 0 || fs[0].Line != 13 || fs[0].Rule != "placeholder" {
			t.Fatalf("exit %d, err %v, findings %+v", code, err, fs)
		}
	})
	t.Run("Stdin", func(t *testing.T) {
		code, out, _ := runCLI(t, "# T\n\n- Impact: [Customer-facing impact]\n", "lint", "-")
		if code != 1 || out != "-:3: placeholder: \"[Customer-facing impact]\" is a template placeholder: replace it with the real value\n" {
			t.Fatalf("exit %d, stdout %q", code, out)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"lint"}, {"lint", "--format", "xml", seed}, {"lint", "--bogus", seed}} {
			if code, _, errOut := runCLI(t, "", args...); code != 2 || errOut == "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
		}
	})
	t.Run("ErrRead", func(t *testing.T) {
		code, out, errOut := runCLI(t, "", "lint", filepath.Join(t.TempDir(), "missing.md"), complete)
		if code != 2 || out != "" || !strings.Contains(errOut, "cannot read") || !strings.Contains(errOut, "no such file") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
}

// TestLint_Directory lints every Markdown file under a directory, hidden
// directories and other files left out.
func TestLint_Directory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	complete, err := os.ReadFile(filepath.Join("..", "..", "lint", "testdata", "complete.md"))
	if err != nil {
		t.Fatal(err)
	}
	placeholder := []byte("# T\n\n- Impact: [Customer-facing impact]\n")
	for name, body := range map[string][]byte{
		"2025/a.md": complete, "2025/b.markdown": placeholder, "notes.txt": placeholder, ".git/c.md": placeholder,
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, "", "lint", dir)
	if code != 1 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := filepath.Join(dir, "2025", "b.markdown") + ":3: placeholder:"
	if !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("output %q, want one finding of b.markdown", out)
	}
	if code, out, _ := runCLI(t, "", "lint", filepath.Join(dir, "2025", "a.md")); code != 0 || out != "" {
		t.Errorf("complete document: exit %d %q", code, out)
	}
}
