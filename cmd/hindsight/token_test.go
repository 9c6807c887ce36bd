package main

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

func TestToken_CreateListRevoke(t *testing.T) {
	t.Setenv("HINDSIGHT_CONFIG", "")
	db := teststore.SQLiteDSN(t)
	code, out, errOut := runCLI(t, "", "token", "create", "--role", "admin", "--name", "first-admin", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, hindsight.TokenPrefix) || len(secret) != 43 {
		t.Fatalf("last line %q is not a token", secret)
	}

	code, out, _ = runCLI(t, "", "token", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "first-admin") || !strings.Contains(out, "admin") || strings.Contains(out, secret) {
		t.Fatalf("list exit %d:\n%s", code, out)
	}

	t.Run("ErrDuplicateName", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "token", "create", "--role", "viewer", "--name", "first-admin", "--db", db)
		if code != 2 || !strings.Contains(errOut, "already exists") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("ErrUnknownRole", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "token", "create", "--role", "root", "--name", "x", "--db", db)
		if code != 2 || !strings.Contains(errOut, "unknown role") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("ErrMissingName", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "token", "create", "--role", "viewer", "--db", db)
		if code != 2 || !strings.Contains(errOut, "name") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
	})
	if code, out, errOut := runCLI(t, "", "token", "revoke", "1", "--db", db); code != 0 || !strings.Contains(out, "Revoked") {
		t.Fatalf("revoke exit %d: %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "token", "revoke", "1", "--db", db); code != 2 || errOut == "" {
		t.Fatalf("second revoke exit %d: %q", code, errOut)
	}
}
