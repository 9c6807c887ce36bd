package sqlstore_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

func TestRedactDSN(t *testing.T) {
	tests := []struct{ name, dsn, want string }{
		{"URL userinfo", "postgres://hs:hunter2@db:5432/hs?sslmode=disable", "postgres://hs:xxxxx@db:5432/hs?sslmode=disable"},
		{"URL query", "postgres://hs@db/hs?password=hunter2&sslmode=require", "postgres://hs@db/hs?password=xxxxx&sslmode=require"},
		{"URL both", "postgresql://hs:hunter2@db/hs?password=hunter2", "postgresql://hs:xxxxx@db/hs?password=xxxxx"},
		{"URL password with @ and :", "postgres://hs:p@ss:w0rd@db/hs", "postgres://hs:xxxxx@db/hs"},
		{"keyword", "host=db user=hs password=hunter2 dbname=hs", "host=db user=hs password=xxxxx dbname=hs"},
		{"keyword quoted", "host=db password='hunter 2' dbname=hs", "host=db password=xxxxx dbname=hs"},
		{"keyword spaced, upper case", "host=db PASSWORD = hunter2", "host=db PASSWORD = xxxxx"},
		{"ssl key password", "host=db sslpassword=hunter2", "host=db sslpassword=xxxxx"},
		{"message", `cannot connect to "host=db password=hunter2": refused`, `cannot connect to "host=db password=xxxxx": refused`},
		{"path", "/var/lib/hindsight/hindsight.db", "/var/lib/hindsight/hindsight.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sqlstore.RedactDSN(tt.dsn)
			if got != tt.want || strings.Contains(got, "hunter") {
				t.Errorf("RedactDSN(%q) = %q, want %q", tt.dsn, got, tt.want)
			}
		})
	}
}

// TestOpen_RefusesUnknownDSN: a DSN of no form Hindsight knows is refused
// with a message that shows no password, and no SQLite file is created in
// its name.
func TestOpen_RefusesUnknownDSN(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, dsn := range []string{
		"mysql://hs:hunter2@db/hs",
		"sqlite://hindsight.db",
		"host=127.0.0.1 pasword=hunter2 dbname=hs",
		"hots=127.0.0.1 password=hunter2",
	} {
		_, err := sqlstore.Open(context.Background(), dsn)
		if hindsight.ErrorCode(err) != hindsight.EINVALID || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q): %v, want EINVALID without the password", sqlstore.RedactDSN(dsn), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("file %s created by a refused DSN", e.Name())
	}
}

// TestOpen_KeywordDSN: a keyword/value DSN opens PostgreSQL; one that
// cannot connect fails without the password in the message and without
// creating a SQLite file.
func TestOpen_KeywordDSN(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	_, err := sqlstore.Open(context.Background(), "host=127.0.0.1 port=1 user=hs password=hunter2 dbname=hs connect_timeout=5")
	if hindsight.ErrorCode(err) != hindsight.EUNAVAILABLE || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("unreachable keyword DSN: %v, want EUNAVAILABLE without the password", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files created: %v", entries)
	}
	u, err := url.Parse(testenv.FreshPostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	kw := fmt.Sprintf("host=%s port=%s user=%s password='%s' dbname=%s sslmode=disable",
		u.Hostname(), u.Port(), u.User.Username(), pass, strings.TrimPrefix(u.Path, "/"))
	s := teststore.Open(t, kw)
	if s.Engine() != "postgres" {
		t.Fatalf("keyword DSN opened %s, want postgres", s.Engine())
	}
}
