package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

func TestReminderService(t *testing.T) {
	teststore.ForEachEngine(t, testReminderService)
}

func testReminderService(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	t0 := time.Date(2025, 10, 7, 9, 0, 0, 0, time.UTC)
	claim := func(token string, at time.Time) *hindsight.ReminderClaim {
		return &hindsight.ReminderClaim{Kind: hindsight.ReminderActionOverdue, Subject: "42", Period: "2025-10-07",
			Channel: "slack", Token: token, ClaimedAt: at, LeaseUntil: at.Add(10 * time.Minute)}
	}
	mustClaim := func(c *hindsight.ReminderClaim, want bool) {
		t.Helper()
		got, err := s.ClaimReminder(ctx, c)
		if err != nil || got != want {
			t.Fatalf("claim %s at %s = %v, %v; want %v", c.Token, c.ClaimedAt, got, err, want)
		}
	}

	t.Run("ClaimOnce", func(t *testing.T) {
		a := claim("a", t0)
		mustClaim(a, true)
		mustClaim(claim("b", t0.Add(time.Minute)), false)
		// The same key on another channel is a separate reminder.
		other := claim("c", t0)
		other.Channel = "smtp"
		mustClaim(other, true)
	})
	t.Run("ReleaseThenRetry", func(t *testing.T) {
		if err := s.ReleaseReminder(ctx, claim("b", t0)); err != nil {
			t.Fatal(err)
		}
		mustClaim(claim("b", t0.Add(time.Minute)), false) // b never held it
		if err := s.ReleaseReminder(ctx, claim("a", t0)); err != nil {
			t.Fatal(err)
		}
		mustClaim(claim("b", t0.Add(time.Minute)), true)
	})
	t.Run("ExpiredLeaseTakenOver", func(t *testing.T) {
		mustClaim(claim("c", t0.Add(5*time.Minute)), false)
		mustClaim(claim("c", t0.Add(12*time.Minute)), true)
		if err := s.ConfirmReminder(ctx, claim("b", t0), t0); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			t.Fatalf("confirm by the old holder: %v", err)
		}
	})
	t.Run("SentIsFinal", func(t *testing.T) {
		if err := s.ConfirmReminder(ctx, claim("c", t0), t0.Add(13*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.ReleaseReminder(ctx, claim("c", t0)); err != nil {
			t.Fatal(err)
		}
		mustClaim(claim("d", t0.AddDate(1, 0, 0)), false)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		c := claim("", t0)
		if _, err := s.ClaimReminder(ctx, c); hindsight.ErrorCode(err) != hindsight.EINVALID {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ConcurrentClaims", func(t *testing.T) {
		var wg sync.WaitGroup
		wins := make(chan string, 8)
		for _, tok := range []string{"p", "q", "r", "s", "t", "u", "v", "w"} {
			wg.Go(func() {
				c := claim(tok, t0)
				c.Subject = "concurrent"
				if ok, err := s.ClaimReminder(ctx, c); err != nil {
					t.Error(err)
				} else if ok {
					wins <- tok
				}
			})
		}
		wg.Wait()
		if close(wins); len(wins) != 1 {
			t.Fatalf("%d claims won, want 1", len(wins))
		}
	})
	t.Run("Prune", func(t *testing.T) {
		n, err := s.PruneReminders(ctx, t0.Add(time.Hour))
		if err != nil || n != 3 {
			t.Fatalf("pruned %d, %v; want 3", n, err)
		}
	})
	testReminderQueries(t, s)
}

func testReminderQueries(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	start := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	resolved := start.Add(2 * time.Hour)
	mk := func(id string, sev hindsight.Severity, res *time.Time, doc hindsight.DocumentStatus) {
		t.Helper()
		inc := &hindsight.Incident{ID: id, Title: id, Severity: sev, Status: hindsight.IncidentInvestigating, StartedAt: start}
		if res != nil {
			inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, res
		}
		if err := s.CreateIncident(ctx, inc); err != nil {
			t.Fatal(err)
		}
		if doc == "" {
			return
		}
		d := &hindsight.Document{IncidentID: id, Status: doc, NextReviewDate: start.AddDate(0, 6, 0)}
		if err := s.CreateDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	mk("INC-DRAFT", hindsight.SEV2, &resolved, hindsight.DocDraft)
	mk("INC-REVIEW", hindsight.SEV2, &resolved, hindsight.DocUnderReview)
	mk("INC-OPEN", hindsight.SEV1, nil, hindsight.DocDraft)
	mk("INC-OPEN2", hindsight.SEV3, nil, "")
	mk("INC-OPEN3", hindsight.SEV3, nil, "")

	t.Run("FindStaleDrafts", func(t *testing.T) {
		got, err := s.FindStaleDrafts(ctx, resolved.AddDate(0, 0, 5))
		if err != nil || len(got) != 1 || got[0].Incident.ID != "INC-DRAFT" || got[0].Document.Status != hindsight.DocDraft {
			t.Fatalf("got %v, %v", got, err)
		}
		if got, _ := s.FindStaleDrafts(ctx, resolved.Add(-time.Second)); len(got) != 0 {
			t.Fatalf("drafts resolved later found: %d", len(got))
		}
	})
	t.Run("FindReviewsDue", func(t *testing.T) {
		review := start.AddDate(0, 6, 0)
		got, err := s.FindReviewsDue(ctx, review.AddDate(0, 0, -30), review)
		if err != nil || len(got) != 3 {
			t.Fatalf("got %d, %v; want 3", len(got), err)
		}
		if !got[0].Document.NextReviewDate.Equal(review) || got[0].Incident == nil {
			t.Fatalf("first: %+v", got[0])
		}
		if got, _ := s.FindReviewsDue(ctx, review.AddDate(0, 0, -30), review.Add(-time.Second)); len(got) != 0 {
			t.Fatalf("reviews not yet due found: %d", len(got))
		}
	})
	t.Run("CountOpenIncidents", func(t *testing.T) {
		got, err := s.CountOpenIncidents(ctx)
		if err != nil || len(got) != 2 || got[hindsight.SEV1] != 1 || got[hindsight.SEV3] != 2 {
			t.Fatalf("got %v, %v", got, err)
		}
	})
}
