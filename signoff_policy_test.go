package hindsight_test

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func TestSignOffPolicy_CheckSigner(t *testing.T) {
	at := time.Date(2025, 9, 30, 1, 0, 0, 0, time.UTC)
	signed := func(role hindsight.SignOffRole, who string) hindsight.SignOff {
		return hindsight.SignOff{Role: role, Signer: who, SignedAt: &at}
	}
	voided := func(so hindsight.SignOff) hindsight.SignOff { so.VoidedAt = &at; return so }
	strict := hindsight.DefaultSignOffPolicy()
	sameOK := hindsight.DefaultSignOffPolicy()
	sameOK.AllowSameSignerRoles = true
	authorOK := hindsight.DefaultSignOffPolicy()
	authorOK.AllowAuthorFinalApproval = true
	twoRoles := hindsight.SignOffPolicy{Required: []hindsight.SignOffRole{hindsight.RoleTechnicalReview, hindsight.RoleFinalApproval}}
	tests := []struct {
		name   string
		policy hindsight.SignOffPolicy
		role   hindsight.SignOffRole
		signer string
		author string
		given  []hindsight.SignOff
		ok     bool
	}{
		{"FirstSignature", strict, hindsight.RoleTechnicalReview, "tess", "ana", nil, true},
		{"DifferentPeople", strict, hindsight.RoleManagementReview, "mona", "ana", []hindsight.SignOff{signed(hindsight.RoleTechnicalReview, "tess")}, true},
		{"SamePersonTwoRoles", strict, hindsight.RoleManagementReview, "tess", "ana", []hindsight.SignOff{signed(hindsight.RoleTechnicalReview, "tess")}, false},
		{"SamePersonByHandleAndCase", strict, hindsight.RoleManagementReview, "@TESS", "ana", []hindsight.SignOff{signed(hindsight.RoleTechnicalReview, "tess")}, false},
		{"OldTokenIdentityIsTheSamePerson", strict, hindsight.RoleManagementReview, "lead", "ana", []hindsight.SignOff{signed(hindsight.RoleTechnicalReview, "token:lead")}, false},
		{"SamePersonAllowedByConfig", sameOK, hindsight.RoleManagementReview, "tess", "ana", []hindsight.SignOff{signed(hindsight.RoleTechnicalReview, "tess")}, true},
		{"VoidedSignatureDoesNotCount", strict, hindsight.RoleManagementReview, "tess", "ana", []hindsight.SignOff{voided(signed(hindsight.RoleTechnicalReview, "tess"))}, true},
		{"SameRoleAgain", strict, hindsight.RoleTechnicalReview, "tess", "ana", []hindsight.SignOff{voided(signed(hindsight.RoleTechnicalReview, "tess"))}, true},
		{"NotRequiredRoleIsFree", twoRoles, hindsight.RoleManagementReview, "tess", "ana", []hindsight.SignOff{signed(hindsight.RoleTechnicalReview, "tess")}, true},
		{"AuthorFinalApproval", strict, hindsight.RoleFinalApproval, "@Ana", "ana", nil, false},
		{"AuthorFinalApprovalEvenWithSameSignerAllowed", sameOK, hindsight.RoleFinalApproval, "ana", "ana", nil, false},
		{"AuthorFinalApprovalAllowed", authorOK, hindsight.RoleFinalApproval, "ana", "ana", nil, true},
		{"AuthorSignerGivesFinalApproval", sameOK, hindsight.RoleFinalApproval, "eddie", "ana", []hindsight.SignOff{signed(hindsight.RoleAuthor, "eddie")}, false},
		{"FinalApproverSignsAsAuthor", sameOK, hindsight.RoleAuthor, "dora", "ana", []hindsight.SignOff{signed(hindsight.RoleFinalApproval, "dora")}, false},
		{"AuthorSignsAuthor", strict, hindsight.RoleAuthor, "ana", "ana", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.CheckSigner(tt.role, tt.signer, tt.author, tt.given)
			if tt.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tt.ok && hindsight.ErrorCode(err) != hindsight.EFORBIDDEN {
				t.Fatalf("got %v, want EFORBIDDEN", err)
			}
		})
	}
	t.Run("CheckApproval", func(t *testing.T) {
		all := []hindsight.SignOff{signed(hindsight.RoleAuthor, "ana"), signed(hindsight.RoleTechnicalReview, "tess"),
			signed(hindsight.RoleManagementReview, "@Tess"), signed(hindsight.RoleFinalApproval, "dora")}
		if err := strict.CheckApproval("ana", all); hindsight.ErrorCode(err) != hindsight.EFORBIDDEN {
			t.Fatalf("one person on two roles approved: %v", err)
		}
		if err := sameOK.CheckApproval("ana", all); err != nil {
			t.Fatalf("allowed by config, refused: %v", err)
		}
		all[2].Signer = "mona"
		if err := strict.CheckApproval("ana", all); err != nil {
			t.Fatalf("four people refused: %v", err)
		}
	})
}

func TestIdentity_Token(t *testing.T) {
	id := hindsight.TokenIdentity(&hindsight.APIToken{Name: "lead", Display: "On-call lead", Handle: "@Lead", Role: "approver"}, "token")
	if id.Name != "Lead" || id.Label() != "On-call lead (@Lead)" || !hindsight.SamePerson(id.Name, "@lead") {
		t.Fatalf("identity %+v, label %q", id, id.Label())
	}
	plain := hindsight.TokenIdentity(&hindsight.APIToken{Name: "ci", Role: "editor"}, "session")
	if plain.Name != "ci" || plain.Label() != "@ci" || plain.Method != "session" {
		t.Fatalf("identity %+v, label %q", plain, plain.Label())
	}
	for _, h := range []string{"", "@", "a b", "<script>", "@" + string(make([]byte, 65))} {
		tok := hindsight.APIToken{Name: "x", Role: "viewer", Hash: "h", Handle: h}
		if err := tok.Validate(); (h == "") != (err == nil) {
			t.Errorf("handle %q: %v", h, err)
		}
	}
}
