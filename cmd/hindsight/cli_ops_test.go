package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// populatedStore makes a store at dsn with rows in every table
// (storetest.Populate: token hash "sha256:1", a raw body, a session).
func populatedStore(t *testing.T, dsn string) {
	t.Helper()
	s := teststore.Open(t, dsn)
	defer s.Close()
	storetest.Populate(t, s)
}

func TestCLI_BenchHiddenButThere(t *testing.T) {
	t.Parallel()
	_, help, _ := runCLI(t, "", "--help")
	if strings.Contains(help, "bench") {
		t.Errorf("--help lists bench:\n%s", help)
	}
	for _, want := range []string{"migrate", "backup", "restore", "version", "healthcheck", "--log-format", "--log-level", "-v, --verbose"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	if code, out, _ := runCLI(t, "", "bench", "--help"); code != 0 || !strings.Contains(out, "seed") {
		t.Errorf("bench --help: exit %d\n%s", code, out)
	}
}

func TestCLI_Version(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "hindsight "+version+" (revision ") || !strings.Contains(out, "go1.") {
		t.Errorf("exit %d: %q", code, out)
	}
}

// complete runs cobra's hidden completion command and returns the
// candidates, without the directive line.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := runCLI(t, "", append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d %s", args, code, errOut)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(l, ":") && l != "" {
			got = append(got, strings.SplitN(l, "\t", 2)[0])
		}
	}
	return got
}

func TestCLI_Completion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	populatedStore(t, db)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"ExportFormats", []string{"export", "--format", ""}, "md html json"},
		{"LintFormats", []string{"lint", "--format", ""}, "text json"},
		{"Roles", []string{"token", "create", "--role", ""}, "viewer editor approver admin"},
		{"Statuses", []string{"actions", "--status", ""}, "open in_progress done wont_do"},
		{"Severities", []string{"import", "--default-severity", ""}, "SEV1 SEV2 SEV3 SEV4 SEV5"},
		{"LogLevels", []string{"serve", "--log-level", ""}, "debug info warn error"},
		{"IncidentIDs", []string{"export", "--db", db, ""}, "INCIDENT-20250930-0524-second INCIDENT-20250930-0024-backup"},
		{"IncidentIDPrefix", []string{"impact", "--db", db, "incident-20250930-00"}, "INCIDENT-20250930-0024-backup"},
		{"NoMatch", []string{"export", "--db", db, "INCIDENT-1999"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(complete(t, tc.args...), " "); got != tc.want {
				t.Errorf("__complete %v = %q, want %q", tc.args, got, tc.want)
			}
		})
	}
	t.Run("MissingStoreIsNotCreated", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.db")
		if got := complete(t, "export", "--db", missing, ""); len(got) != 0 {
			t.Errorf("completed %v from a store that does not exist", got)
		}
		if _, err := os.Stat(missing); !os.IsNotExist(err) {
			t.Errorf("completion created %s", missing)
		}
	})
}

func TestCLI_ExportAll(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		populatedStore(t, dsn)
		t.Run("ErrNoIDNoAll", func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "export", "--db", dsn)
			if code != exitError || out != "" || !strings.Contains(errOut, "--all") {
				t.Errorf("exit %d, %d bytes out\n%s", code, len(out), errOut)
			}
		})
		t.Run("ErrBoth", func(t *testing.T) {
			if code, _, _ := runCLI(t, "", "export", "--db", dsn, "--all", "INCIDENT-20250930-0024-backup"); code != exitError {
				t.Errorf("exit %d", code)
			}
		})
		raw := base64.StdEncoding.EncodeToString([]byte("{\"raw\":\"\xff\"}"))
		code, out, errOut := runCLI(t, "", "export", "--db", dsn, "--all")
		if code != 0 {
			t.Fatalf("exit %d %s", code, errOut)
		}
		var b struct {
			Incidents     []json.RawMessage          `json:"incidents"`
			Tokens        []json.RawMessage          `json:"api_tokens"`
			Notifications []struct{ Body []byte }    `json:"alert_notifications"`
			Rest          map[string]json.RawMessage `json:"-"`
		}
		if err := json.Unmarshal([]byte(out), &b); err != nil {
			t.Fatal(err)
		}
		if len(b.Incidents) == 0 || len(b.Notifications) == 0 {
			t.Fatalf("export --all lacks incidents or notifications:\n%s", out)
		}
		if len(b.Tokens) != 0 || strings.Contains(out, "sha256:1") || strings.Contains(out, "populated-session") {
			t.Errorf("export --all carries token hashes or sessions:\n%s", out)
		}
		if strings.Contains(out, raw) || len(b.Notifications[0].Body) != 0 {
			t.Errorf("export --all carries raw bodies without --include-raw")
		}
		_, withRaw, _ := runCLI(t, "", "export", "--db", dsn, "--all", "--include-raw")
		if !strings.Contains(withRaw, raw) || strings.Contains(withRaw, "sha256:1") {
			t.Errorf("--include-raw: raw body present %v, token hash present %v", strings.Contains(withRaw, raw), strings.Contains(withRaw, "sha256:1"))
		}
		t.Run("RestoresIntoEmptyStore", func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "all.json")
			MustWrite(t, file, []byte(withRaw))
			dst := filepath.Join(t.TempDir(), "r.db")
			if code, _, errOut := runCLI(t, "", "restore", "--from", file, "--db", dst); code != 0 {
				t.Fatalf("restore: exit %d %s", code, errOut)
			}
			if _, again, _ := runCLI(t, "", "export", "--db", dst, "--all", "--include-raw"); again != withRaw {
				t.Error("the restored store exports differently")
			}
		})
	})
}

func TestCLI_BackupRestore(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		populatedStore(t, dsn)
		dir := t.TempDir()
		file := filepath.Join(dir, "backup")
		code, out, errOut := runCLI(t, "", "backup", "--db", dsn, "--out", file)
		if code != 0 {
			t.Fatalf("backup: exit %d %s", code, errOut)
		}
		st, err := os.Stat(file)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("backup file: %v, mode %v; want 0600", err, st)
		}
		wantKind := "sqlite backup"
		if sqlstore.IsPostgres(dsn) {
			wantKind = "json backup"
		}
		if !strings.Contains(out, wantKind) {
			t.Errorf("backup says %q, want %q", out, wantKind)
		}
		if code, _, errOut := runCLI(t, "", "backup", "--db", dsn, "--out", file); code != exitError || !strings.Contains(errOut, "already exists") {
			t.Errorf("second backup to the same file: exit %d %s", code, errOut)
		}
		if code, _, _ := runCLI(t, "", "backup", "--db", dsn); code != exitError {
			t.Errorf("backup without --out: exit %d", code)
		}
		_, before, _ := runCLI(t, "", "export", "--db", dsn, "--all", "--include-raw")
		targets := []string{filepath.Join(dir, "restored.db")}
		if pg := os.Getenv("HINDSIGHT_TEST_POSTGRES_DSN"); pg != "" {
			targets = append(targets, testenv.FreshPostgresDatabase(t))
		}
		for _, target := range targets {
			if code, out, errOut := runCLI(t, "", "restore", "--from", file, "--db", target); code != 0 {
				t.Fatalf("restore into %s: exit %d %s%s", sqlstore.RedactDSN(target), code, out, errOut)
			}
			if _, after, _ := runCLI(t, "", "export", "--db", target, "--all", "--include-raw"); after != before {
				t.Errorf("the store restored into %s differs from the original", sqlstore.RedactDSN(target))
			}
			if code, _, errOut := runCLI(t, "", "restore", "--from", file, "--db", target); code != exitError || !strings.Contains(errOut, "empty") {
				t.Errorf("restore into a non-empty store: exit %d %s", code, errOut)
			}
		}
	})
}

func TestCLI_Migrate(t *testing.T) {
	t.Parallel()
	testenv.ForEachEngine(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		if !sqlstore.IsPostgres(dsn) {
			if code, out, errOut := runCLI(t, "", "migrate", "status", "--db", dsn); code != exitError || out != "" || !strings.Contains(errOut, "does not exist") {
				t.Errorf("status of a missing file: exit %d %s%s", code, out, errOut)
			}
			MustWrite(t, dsn, nil)
		}
		s, err := sqlstore.OpenUnmigrated(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.MigrateTo(ctx, 1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		code, out, _ := runCLI(t, "", "migrate", "status", "--db", dsn)
		if code != exitFindings || !strings.Contains(out, "00001_init.sql") || !strings.Contains(out, "pending") || !strings.Contains(out, "schema version 1,") {
			t.Errorf("status at version 1: exit %d\n%s", code, out)
		}
		code, out, errOut := runCLI(t, "", "-v", "migrate", "up", "--db", dsn)
		if code != 0 || !strings.Contains(out, "applied 00002") || !strings.Contains(errOut, "hindsight: store ") {
			t.Errorf("up: exit %d\n%s%s", code, out, errOut)
		}
		code, out, _ = runCLI(t, "", "migrate", "status", "--db", dsn)
		if code != 0 || strings.Count(out, "pending") != 1 || !strings.Contains(out, ", 0 pending\n") {
			t.Errorf("status after up: exit %d\n%s", code, out)
		}
		if code, out, _ := runCLI(t, "", "migrate", "up", "--db", dsn); code != 0 || !strings.Contains(out, "(0 applied now)") {
			t.Errorf("second up: exit %d\n%s", code, out)
		}
	})
}

func TestCLI_VerboseNamesStore(t *testing.T) {
	t.Parallel()
	db := teststore.SQLiteDSN(t)
	populatedStore(t, db)
	for _, args := range [][]string{
		{"-v", "export", "--db", db, "INCIDENT-20250930-0024-backup", "--format", "md"},
		{"-v", "actions", "--db", db},
		{"-v", "token", "list", "--db", db},
	} {
		code, _, errOut := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(errOut, "hindsight: store sqlite "+db+"\n") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
		if _, _, quiet := runCLI(t, "", args[1:]...); strings.Contains(quiet, "store sqlite") {
			t.Errorf("%v without -v names the store", args[1:])
		}
	}
	const dsn = "postgres://hindsight:t0ps3cret@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"
	_, _, errOut := runCLI(t, "", "-v", "actions", "--db", dsn)
	if !strings.Contains(errOut, "hindsight: store postgres postgres://hindsight:xxxxx@127.0.0.1:1/none") || strings.Contains(errOut, "t0ps3cret") {
		t.Errorf("-v with a PostgreSQL DSN: %q", errOut)
	}
}

func TestCLI_NewOutCreatesOneLevelOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"new", "--alert", "HighAPIErrorRate", "--start", "2025-09-30T00:24:00Z"}
	if code, out, errOut := runCLI(t, "", append(args, "--out", filepath.Join(dir, "postmortems"))...); code != 0 || !strings.Contains(out, "postmortems") {
		t.Fatalf("--out DIR/new: exit %d %s%s", code, out, errOut)
	}
	deep := filepath.Join(dir, "missing", "a", "b")
	code, _, errOut := runCLI(t, "", append(args, "--out", deep)...)
	if code != exitError || !strings.Contains(errOut, "does not exist") {
		t.Errorf("--out under a missing directory: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("created %s", filepath.Join(dir, "missing"))
	}
}

func TestCLI_Healthcheck(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, teststore.SQLiteDSN(t), nil)
	addr := strings.TrimPrefix(m.URL(), "http://")
	if code, out, errOut := runCLI(t, "", "healthcheck", "--addr", addr); code != 0 || !strings.Contains(out, "200") {
		t.Errorf("healthy: exit %d %s%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "", "healthcheck", "--addr", addr, "--path", "/readyz"); code != 0 {
		t.Errorf("ready: exit %d", code)
	}
	if code, _, errOut := runCLI(t, "", "healthcheck", "--addr", addr, "--path", "/nope"); code != exitFindings || !strings.Contains(errOut, "404") {
		t.Errorf("404: exit %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "healthcheck", "--addr", "127.0.0.1:1", "--timeout", "1s"); code != exitFindings {
		t.Errorf("nothing listening: exit %d, want 1", code)
	}
}
