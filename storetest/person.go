package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// testPeople: the directory upserts by handle case-insensitively, keeps
// CreatedAt, finds by handle and e-mail, lists by handle, refuses bad
// entries naming the fields, and deletes.
func testPeople(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	ana := &hindsight.Person{Handle: "@Ana", Name: "Ana Lima", Email: "Ana@Example.com", Team: "SRE", Source: hindsight.PersonFromConfig}
	ok(t, s.UpsertPerson(ctx, ana))
	if ana.Handle != "Ana" || ana.CreatedAt.IsZero() {
		t.Fatalf("after upsert: %+v, want handle without @ and a creation time", ana)
	}
	ok(t, s.UpsertPerson(ctx, &hindsight.Person{Handle: "zoe.ops", Name: "Zoë Ødegård", Source: hindsight.PersonFromAdmin}))
	wantFields(t, s.UpsertPerson(ctx, &hindsight.Person{Handle: "zoë", Email: "not an address", SlackID: "x", Source: "ldap"}),
		"email", "handle", "slack_id", "source")
	ok(t, s.UpsertPerson(ctx, &hindsight.Person{Handle: "bob", Email: "bob@example.com", SlackID: "U0B0B", Source: hindsight.PersonFromOIDC}))

	again := &hindsight.Person{Handle: "ana", Name: "Ana L.", Email: "ana@example.com", Source: hindsight.PersonFromOIDC}
	ok(t, s.UpsertPerson(ctx, again))
	got, err := s.FindPersonByHandle(ctx, "@ANA")
	ok(t, err)
	if got.Name != "Ana L." || got.Team != "" || got.Source != hindsight.PersonFromOIDC || !got.CreatedAt.Equal(ana.CreatedAt) {
		t.Fatalf("after the second upsert: %+v, want its fields replaced and the first creation time %v", got, ana.CreatedAt)
	}
	byMail, err := s.FindPersonByEmail(ctx, "ANA@example.COM")
	ok(t, err)
	if byMail.Handle != "ana" {
		t.Fatalf("by e-mail: %+v", byMail)
	}
	_, err = s.FindPersonByHandle(ctx, "nobody")
	wantCode(t, err, hindsight.ENOTFOUND)
	_, err = s.FindPersonByEmail(ctx, "")
	wantCode(t, err, hindsight.ENOTFOUND)

	all, err := s.FindPeople(ctx)
	ok(t, err)
	if len(all) != 3 || all[0].Handle != "ana" || all[1].Handle != "bob" || all[2].Name != "Zoë Ødegård" {
		t.Fatalf("people = %+v, want ana, bob and zoe.ops (the invalid entry refused)", all)
	}
	p, err := hindsight.ResolvePerson(ctx, s, "token:Bob")
	ok(t, err)
	if p.SlackID != "U0B0B" {
		t.Fatalf("ResolvePerson(token:Bob) = %+v", p)
	}
	p, err = hindsight.ResolvePerson(ctx, s, "bob@example.com")
	ok(t, err)
	if p.Handle != "bob" {
		t.Fatalf("ResolvePerson(bob@example.com) = %+v", p)
	}
	_, err = hindsight.ResolvePerson(ctx, s, "@carol")
	wantCode(t, err, hindsight.ENOTFOUND)

	inc := NewIncident(1, "Review me")
	MustCreateIncident(t, s, inc)
	signed := T0.Add(time.Hour)
	for i, signer := range []string{"@Bob", "token:bob", "bobby", "@carol"} {
		ok(t, s.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: inc.ID, Role: hindsight.SignOffRoles[i], Signer: signer, SignedAt: &signed}))
	}
	sos, err := s.FindSignOffsBySigner(ctx, "bob", 10)
	ok(t, err)
	if len(sos) != 2 || sos[0].Signer != "token:bob" || sos[1].Signer != "@Bob" {
		t.Fatalf("sign-offs by bob = %+v, want token:bob then @Bob", sos)
	}

	ok(t, s.DeletePerson(ctx, "@BOB"))
	wantCode(t, s.DeletePerson(ctx, "bob"), hindsight.ENOTFOUND)
	all, err = s.FindPeople(ctx)
	ok(t, err)
	if len(all) != 2 {
		t.Fatalf("after delete: %d people, want 2", len(all))
	}
}
