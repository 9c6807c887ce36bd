package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestImport_HostileMarkdown: documents crafted to make parsing slow (deep
// nesting, a flood of unclosed links) are refused at once with a message,
// and nothing is stored.
func TestImport_HostileMarkdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	MustWrite(t, filepath.Join(dir, "quotes.md"), []byte("# Post-mortem: X\n\n"+strings.Repeat(">", 2<<20)+"\n"))
	MustWrite(t, filepath.Join(dir, "links.md"), []byte("# Post-mortem: X\n\n"+strings.Repeat("[x](", 300<<10/4)+"\n"))
	db := teststore.SQLiteDSN(t)
	code, out, errOut := runCLI(t, "", "import", "--db", db, dir)
	if code != exitError || !strings.Contains(out, "created 0, updated 0, skipped 0, failed 2") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, want := range []string{"quotes.md: invalid document: document: nests quotes or lists", "links.md: invalid document: document: has 76800 link openers"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// TestImport_Interrupted: an import whose context ends (SIGTERM, Ctrl-C)
// stops before the next file, says so and exits non-zero.
func TestImport_Interrupted(t *testing.T) {
	t.Parallel()
	dir := mixedDir(t)
	db := teststore.SQLiteDSN(t)
	// The signal arrives once the import has started: the store is open
	// and the files are being walked.
	ctx := &interruptedAfter{Context: context.Background()}
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"import", "--db", db, dir}, strings.NewReader(""), &out, &errOut)
	if code != exitError || !strings.Contains(errOut.String(), "import interrupted") || strings.Contains(out.String(), "created INCIDENT") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out.String(), errOut.String())
	}
}

// interruptedAfter is a context that is cancelled once Err has been asked
// a first time: what the import's loop asks before each file.
type interruptedAfter struct {
	context.Context
	asked atomic.Bool
}

func (c *interruptedAfter) Err() error {
	if c.asked.Swap(true) {
		return context.Canceled
	}
	return nil
}
