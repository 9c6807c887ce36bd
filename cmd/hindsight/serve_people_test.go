package main

import (
	"context"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestMain_LoadsPeopleFromConfig: the people list is in the directory once
// the server runs, and a restart with a changed entry replaces it while
// keeping people the file does not list.
func TestMain_LoadsPeopleFromConfig(t *testing.T) {
	t.Parallel()
	db := teststore.SQLiteDSN(t)
	ctx := context.Background()
	m := MustRunMain(t, db, func(m *Main) {
		m.Config.People = []config.PersonConfig{{Handle: "@lead", Name: "Ana Lima", Email: "ana@example.com", Team: "SRE"}}
	})
	p, err := hindsight.ResolvePerson(ctx, m.Store, "@Lead")
	if err != nil || p.Name != "Ana Lima" || p.Source != hindsight.PersonFromConfig {
		t.Fatalf("@Lead = %+v, %v", p, err)
	}
	if err := m.Store.UpsertPerson(ctx, &hindsight.Person{Handle: "bob", Source: hindsight.PersonFromAdmin}); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m2 := MustRunMain(t, db, func(m *Main) {
		m.Config.People = []config.PersonConfig{{Handle: "lead", Name: "Ana L.", Email: "ana@example.com"}}
	})
	all, err := m2.Store.FindPeople(ctx)
	if err != nil || len(all) != 2 || all[0].Handle != "bob" || all[1].Name != "Ana L." || all[1].Team != "" {
		t.Fatalf("after restart: %+v, %v", all, err)
	}
}

// TestMain_OIDCIssuerUnreachable: a configured issuer whose discovery fails
// stops the start with an error naming auth.oidc.
func TestMain_OIDCIssuerUnreachable(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Auth.OIDC.Issuer, cfg.Auth.OIDC.ClientID = "http://127.0.0.1:1", "hindsight"
	m := &Main{Config: cfg, DSN: teststore.SQLiteDSN(t)}
	err := m.Run(context.Background())
	if err == nil {
		m.Close()
		t.Fatal("the server started with an unreachable issuer")
	}
	if !strings.Contains(err.Error(), "auth.oidc") || !strings.Contains(err.Error(), "discovery failed") {
		t.Fatalf("error %v", err)
	}
}
