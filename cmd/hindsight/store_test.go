package main

import (
	"os"
	"strings"
	"testing"
)

// TestDBFlag_Refused: a --db of no known form is refused with a message
// and exit code 2; neither the message nor the directory shows the
// password (no SQLite file is created in the DSN's name).
func TestDBFlag_Refused(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, db := range []string{
		"mysql://hs:hunter2@db/hs",
		"host=127.0.0.1 pasword=hunter2 dbname=hs",
		"host=127.0.0.1 port=1 password=hunter2 dbname=hs connect_timeout=3",
	} {
		code, stdout, stderr := runCLI(t, "", "token", "list", "--db", db)
		if code != 2 || !strings.Contains(stderr, "hindsight:") || strings.Contains(stdout+stderr, "hunter2") {
			t.Errorf("--db %q: exit %d\nstdout: %s\nstderr: %s", db, code, stdout, stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files created: %v", entries)
	}
}
