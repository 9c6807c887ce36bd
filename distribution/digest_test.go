package distribution_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/distribution"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// digestFor is one instance's digest, due on Mondays from 09:00 UTC.
func digestFor(t *testing.T, dsn string, clock *testenv.Clock, sink *testenv.SMTPSink, slack *slackReceiver) (*distribution.Digest, *sqlstore.Store) {
	t.Helper()
	store := teststore.Open(t, dsn)
	store.Now = clock.Now
	host, port := splitHostPort(t, sink.Addr)
	return &distribution.Digest{Store: store, Weekday: time.Monday, Hour: 9, Now: clock.Now,
		Email: []string{"sre@example.com"}, Slack: []string{"#sre"},
		SMTP:    &notify.SMTP{Host: host, Port: port, From: "Hindsight <hindsight@example.com>", StartTLS: "never"},
		Webhook: &notify.Slack{WebhookURL: slack.srv.URL + webhookPath}, Retry: notify.Retrying{Attempts: 1}}, store
}

func TestDigest_WeeklyOnce(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		// Monday 13 October 2025 (ISO week 42), 08:00 UTC: not due before 09:00.
		clock := testenv.NewClock(time.Date(2025, 10, 13, 8, 0, 0, 0, time.UTC))
		sink, slack := testenv.NewSMTPSink(t, nil), newSlackReceiver(t)
		a, store := digestFor(t, dsn, clock, sink, slack)
		b, _ := digestFor(t, dsn, clock, sink, slack)
		ctx := context.Background()
		for i, f := range []struct {
			title string
			age   time.Duration
			doc   hindsight.DocumentStatus
		}{{"Bare", 2 * 24 * time.Hour, ""}, {"Ünïcødé 🔥 checkout", 3 * 24 * time.Hour, hindsight.DocUnderReview}, {"Old", 20 * 24 * time.Hour, ""}} {
			inc := &hindsight.Incident{ID: "INC-" + string(rune('A'+i)), Title: f.title, AlertName: f.title, Severity: hindsight.SEV3,
				Status: hindsight.IncidentInvestigating, StartedAt: clock.Now().Add(-f.age)}
			if err := store.CreateIncident(ctx, inc); err != nil {
				t.Fatal(err)
			}
			if f.doc != "" {
				if err := store.CreateDocument(ctx, &hindsight.Document{IncidentID: inc.ID, Status: f.doc, Author: "parallels",
					GeneratedAt: inc.StartedAt, NextReviewDate: inc.StartedAt.AddDate(0, 6, 0)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, p := range []*hindsight.Person{{Handle: "ana", Team: "Paiements ✓", Source: hindsight.PersonFromAdmin},
			{Handle: "bo", Team: "Paiements ✓", Source: hindsight.PersonFromAdmin}, {Handle: "cy", Source: hindsight.PersonFromAdmin}} {
			if err := store.UpsertPerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		for i, owner := range []string{"@jösé‐ñ", "@jösé‐ñ", "", "@ana", "@ANA", "@bo", "@cy"} {
			if err := store.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: "INC-C", Title: "Fix", Owner: owner,
				Horizon: hindsight.HorizonImmediate, DueDate: time.Date(2025, 10, 1+i, 0, 0, 0, 0, time.UTC), Status: hindsight.ActionOpen}); err != nil {
				t.Fatal(err)
			}
		}
		if res, err := a.RunOnce(ctx); err != nil || res.Due != 0 || len(sink.Messages()) != 0 {
			t.Fatalf("Monday 08:00: %+v, %v; want nothing due", res, err)
		}
		clock.Set(time.Date(2025, 10, 13, 9, 30, 0, 0, time.UTC))
		for range 2 {
			for _, d := range []*distribution.Digest{a, b} {
				if _, err := d.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		msgs, posts := sink.Messages(), slack.posts()
		if len(msgs) != 1 || len(posts) != 1 || posts[0].Channel != "#sre" || msgs[0].To[0] != "sre@example.com" {
			t.Fatalf("%d e-mails, %d posts; want one of each", len(msgs), len(posts))
		}
		body := decodeBody(t, msgs[0].Data)
		for _, want := range []string{"weekly digest, 2025-W42", "Incidents opened in the last 7 days: 2", "SEV3 Bare (INC-A)",
			"Ünïcødé 🔥 checkout (INC-B)", "Post-mortems awaiting review: 1", "Action items overdue: 7",
			"- Paiements ✓: 3 (@ANA 1, @ana 1, @bo 1)", "- (no team): 4 (@jösé‐ñ 2, (no owner) 1, @cy 1)"} {
			if !strings.Contains(body, want) {
				t.Errorf("digest lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "INC-C)") {
			t.Errorf("the digest lists an incident older than 7 days:\n%s", body)
		}
		clock.Set(time.Date(2025, 10, 20, 9, 0, 0, 0, time.UTC))
		if res, err := b.RunOnce(ctx); err != nil || res.Sent != 2 {
			t.Fatalf("next week: %+v, %v; want the digest again", res, err)
		}
	})
}
