package postmortem_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGolden_Markdownlint runs markdownlint-cli, pinned in the repository's
// package.json, over every golden document with the repository's rule
// exceptions. Under CI=true a missing linter is a failure, never a skip.
func TestGolden_Markdownlint(t *testing.T) {
	root := ".."
	bin := filepath.Join(root, "node_modules", ".bin", "markdownlint")
	if _, err := os.Stat(bin); errors.Is(err, os.ErrNotExist) {
		msg := "markdownlint is not installed: run `npm ci` in the repository root (Node.js 20 or later)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden documents under testdata/golden: run go test ./postmortem -update")
	}
	args := append([]string{"--config", filepath.Join(root, ".markdownlint.yaml")}, files...)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Errorf("markdownlint found problems in the rendered documents (%v):\n%s", err, out)
	}
}
