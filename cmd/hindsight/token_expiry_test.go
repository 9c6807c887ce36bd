package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestToken_ExpiresAndRevokeByName: a token expires in 90 days unless
// --expires says otherwise; list shows the expiry and the creator; a bad
// --expires is refused and stores nothing; revoke takes a name.
func TestToken_ExpiresAndRevokeByName(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	t.Setenv("USER", "ops")
	db := teststore.SQLiteDSN(t)
	before := time.Now().UTC()
	code, out, errOut := runCLI(t, "", "token", "create", "--role", "viewer", "--name", "dash", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := before.Add(90 * 24 * time.Hour).Format("2006-01-02")
	if !strings.Contains(out, "expires "+want) {
		t.Fatalf("create: %q, want it to expire on %s", out, want)
	}
	if code, out, errOut = runCLI(t, "", "token", "create", "--role", "editor", "--name", "ci", "--expires", "2099-01-31", "--db", db); code != 0 ||
		!strings.Contains(out, "expires 2099-01-31T00:00:00Z") {
		t.Fatalf("create --expires DATE: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = runCLI(t, "", "token", "create", "--role", "editor", "--name", "forever", "--expires", "never", "--db", db); code != 0 ||
		!strings.Contains(out, "never expires") {
		t.Fatalf("create --expires never: %d %q %q", code, out, errOut)
	}
	for _, bad := range []string{"yesterday", "2001-01-01", "-5d"} {
		code, _, errOut := runCLI(t, "", "token", "create", "--role", "viewer", "--name", "bad", "--expires", bad, "--db", db)
		if code != 2 || !strings.Contains(errOut, "--expires") {
			t.Errorf("--expires %s: exit %d, stderr %q", bad, code, errOut)
		}
	}
	code, out, _ = runCLI(t, "", "token", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "CREATED BY") || !strings.Contains(out, "cli:ops") ||
		!strings.Contains(out, "2099-01-31T00:00:00Z") || strings.Contains(out, "bad") {
		t.Fatalf("list:\n%s", out)
	}
	if code, out, errOut := runCLI(t, "", "token", "revoke", "ci", "--db", db); code != 0 || !strings.Contains(out, `Revoked token 2 ("ci")`) {
		t.Fatalf("revoke by name: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "token", "revoke", "ci", "--db", db); code != 2 || !strings.Contains(errOut, `no token with ID or name "ci"`) {
		t.Fatalf("second revoke: %d %q", code, errOut)
	}
	code, out, _ = runCLI(t, "", "token", "list", "--db", db)
	if code != 0 || strings.Contains(out, " ci ") || !strings.Contains(out, "dash") || !strings.Contains(out, "forever") {
		t.Fatalf("list after revoke:\n%s", out)
	}
}
