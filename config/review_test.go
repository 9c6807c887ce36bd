package config_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

func TestReviewConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		p := config.Default().Review.Policy()
		if len(p.RequiredRoles()) != 4 || p.AllowAuthorFinalApproval || !p.MaySign(hindsight.RoleFinalApproval, "anyone") {
			t.Fatalf("default policy %+v", p)
		}
		if config.Default().Review.ReviewDueDays != 5 {
			t.Fatal("review_due_days default")
		}
	})
	t.Run("Loads", func(t *testing.T) {
		c, err := loadYAML(t, "review:\n  signers:\n    technical_review: [\"@tess\"]\n  required_signoffs: [technical_review]\n  allow_author_final_approval: true\n  review_due_days: 3\n")
		if err != nil {
			t.Fatal(err)
		}
		p := c.Review.Policy()
		if !p.MaySign(hindsight.RoleTechnicalReview, "Tess") || p.MaySign(hindsight.RoleTechnicalReview, "mona") ||
			len(p.RequiredRoles()) != 1 || !p.AllowAuthorFinalApproval || c.Review.ReviewDueDays != 3 {
			t.Fatalf("policy %+v", p)
		}
	})
	for _, tt := range []struct{ name, yaml, want string }{
		{"ErrSignerRole", "review:\n  signers:\n    boss: [a]\n", "review.signers.boss"},
		{"ErrRequiredRole", "review:\n  required_signoffs: [author, boss]\n", "review.required_signoffs"},
		{"ErrDueDays", "review:\n  review_due_days: 0\n", "review.review_due_days"},
		{"ErrUnknownKey", "review:\n  signer: {}\n", "review.signer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadYAML(t, tt.yaml)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}
