package hindsight_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestRole_Allows(t *testing.T) {
	for _, r := range hindsight.Roles {
		for _, min := range hindsight.Roles {
			want := indexOf(r) >= indexOf(min)
			if got := r.Allows(min); got != want {
				t.Errorf("%s.Allows(%s) = %v, want %v", r, min, got, want)
			}
		}
	}
	if hindsight.Role("root").Allows(hindsight.RoleViewer) {
		t.Error("an unknown role allows viewing")
	}
	if _, err := hindsight.ParseRole("superuser"); hindsight.ErrorCode(err) != hindsight.EINVALID {
		t.Errorf("ParseRole(superuser) = %v", err)
	}
	if r, err := hindsight.ParseRole(" Approver "); err != nil || r != hindsight.RoleApprover {
		t.Errorf("ParseRole(Approver) = %q, %v", r, err)
	}
}

func indexOf(r hindsight.Role) int {
	for i, v := range hindsight.Roles {
		if v == r {
			return i
		}
	}
	return -1
}

func TestIdentityContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := hindsight.IdentityFromContext(ctx); ok {
		t.Fatal("anonymous context has an identity")
	}
	if got := hindsight.ActorFromContext(ctx); got != hindsight.SystemActor {
		t.Fatalf("actor = %q", got)
	}
	ctx = hindsight.NewContextWithIdentity(ctx, hindsight.Identity{Name: "ana@example.com", Role: hindsight.RoleEditor, Method: "proxy"})
	id, ok := hindsight.IdentityFromContext(ctx)
	if !ok || id.Role != hindsight.RoleEditor || hindsight.ActorFromContext(ctx) != "ana@example.com" {
		t.Fatalf("identity = %+v, %v; actor %q", id, ok, hindsight.ActorFromContext(ctx))
	}
}

func TestNewToken(t *testing.T) {
	a, err := hindsight.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := hindsight.NewToken()
	if a == b || !strings.HasPrefix(a, "hs_") || len(a) != 43 {
		t.Fatalf("tokens %q and %q", a, b)
	}
	if hindsight.HashToken(a) == hindsight.HashToken(b) || hindsight.HashToken(a) != hindsight.HashToken(a+"\n") || strings.Contains(hindsight.HashToken(a), a) {
		t.Fatal("HashToken is not a stable one-way hash")
	}
}
