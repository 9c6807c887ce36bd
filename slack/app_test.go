package slack_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/slack"
)

func TestChannelName(t *testing.T) {
	for _, tc := range []struct{ name, id, want string }{
		{"Seed", incidentID, "incident-20250930-0024-highapierrorrate"},
		{"OddUnicode", "INCIDENT-20251001-0900-Ünïcödé ⚡ Alert.v2", "incident-20251001-0900-n-c-d-alert-v2"},
		{"OnlyUnusable", "⚡⚡⚡", "incident"},
		{"Long", "INCIDENT-20251001-0900-" + strings.Repeat("a", 100), "incident-20251001-0900-" + strings.Repeat("a", 80-23)},
		{"LongCutAtDash", "INCIDENT-20251001-0900-" + strings.Repeat("b", 56) + "-c", "incident-20251001-0900-" + strings.Repeat("b", 56)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slack.ChannelName(tc.id)
			if got != tc.want || len(got) > slack.MaxChannelName {
				t.Fatalf("ChannelName(%q) = %q (%d), want %q", tc.id, got, len(got), tc.want)
			}
		})
	}
}

// TestApp_ChannelOncePerIncident runs two instances over one database:
// whichever wins, the incident gets one channel, its responders invited,
// its topic set and one summary; an incident below the severity gets none.
func TestApp_ChannelOncePerIncident(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		fake := newFakeSlack(t)
		s1, s2 := teststore.Open(t, dsn), teststore.Open(t, dsn)
		seedIncident(t, s1, incidentID, "HighAPIErrorRate", hindsight.SEV2)
		seedIncident(t, s1, "INCIDENT-20250930-0100-diskalmostfull", "DiskAlmostFull", hindsight.SEV4)
		a1, _ := newApp(t, s1, fake)
		a2, _ := newApp(t, s2, fake)

		var wg sync.WaitGroup
		made := make([]int, 2)
		for i, a := range []*slack.App{a1, a2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := a.CreateChannels(context.Background())
				if err != nil {
					t.Error(err)
				}
				made[i] = n
			}()
		}
		wg.Wait()
		mustRun(t, a1.CreateChannels)
		mustRun(t, a2.CreateChannels)

		creates := fake.Calls("conversations.create")
		if len(creates) != 1 || made[0]+made[1] != 1 {
			t.Fatalf("%d conversations.create, made %v; want one channel", len(creates), made)
		}
		if name := creates[0].Form.Get("name"); name != "incident-20250930-0024-highapierrorrate" {
			t.Errorf("channel name %q", name)
		}
		c := channelOf(t, s2)
		if c.ChannelID != "C0INC001" || c.Shared || c.Posted[hindsight.SlackPostedStatus] != string(hindsight.IncidentInvestigating) {
			t.Errorf("stored channel %+v", c)
		}
		if inv := fake.Calls("conversations.invite"); len(inv) != 1 || inv[0].Form.Get("users") != "U0ALICE,U0BOB" || inv[0].Form.Get("channel") != "C0INC001" {
			t.Errorf("invitations %+v", inv)
		}
		if tp := fake.Calls("conversations.setTopic"); len(tp) != 1 || tp[0].Form.Get("topic") != "SEV2 · UNDER INVESTIGATION · HighAPIErrorRate" {
			t.Errorf("topic %+v", tp)
		}
		posts := fake.Calls("chat.postMessage")
		if len(posts) != 1 {
			t.Fatalf("%d summaries", len(posts))
		}
		text := posts[0].Form.Get("text")
		for _, want := range []string{"<https://hindsight.example/incidents/" + incidentID + "|" + incidentID + ">", "Severity *SEV2*",
			"Error rate &lt;b&gt;above&lt;/b&gt; 5% &amp; rising", "<https://runbooks.example/api|runbook>"} {
			if !strings.Contains(text, want) {
				t.Errorf("summary lacks %q:\n%s", want, text)
			}
		}
		if _, err := s1.FindSlackChannel(context.Background(), "INCIDENT-20250930-0100-diskalmostfull"); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			t.Errorf("a SEV4 incident got a channel: %v", err)
		}
	})
}

// TestApp_Updates checks that each change is posted once, by one of two
// instances, and that the topic follows.
func TestApp_Updates(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		fake := newFakeSlack(t)
		s1, s2 := teststore.Open(t, dsn), teststore.Open(t, dsn)
		seedIncident(t, s1, incidentID, "HighAPIErrorRate", hindsight.SEV2)
		a1, _ := newApp(t, s1, fake)
		a2, _ := newApp(t, s2, fake)
		mustRun(t, a1.CreateChannels)
		if n := mustRun(t, a2.PostUpdates); n != 0 {
			t.Fatalf("%d updates right after the channel", n)
		}

		inc, _ := s1.FindIncidentByID(ctx, incidentID)
		inc.Severity, inc.Status = hindsight.SEV1, hindsight.IncidentMitigated
		if err := s1.UpdateIncident(ctx, inc, inc.Version); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, a := range []*slack.App{a1, a2} {
			wg.Add(1)
			go func() { defer wg.Done(); a.PostUpdates(ctx) }()
		}
		wg.Wait()
		posts := fake.Calls("chat.postMessage")[1:]
		if len(posts) != 2 {
			t.Fatalf("%d updates, want status and severity once each: %+v", len(posts), posts)
		}
		all := posts[0].Form.Get("text") + "\n" + posts[1].Form.Get("text")
		for _, want := range []string{"status: UNDER INVESTIGATION → *MITIGATED*", "severity: SEV2 → *SEV1*"} {
			if !strings.Contains(all, want) {
				t.Errorf("updates lack %q:\n%s", want, all)
			}
		}
		topics := fake.Calls("conversations.setTopic")
		if last := topics[len(topics)-1].Form.Get("topic"); last != "SEV1 · MITIGATED · HighAPIErrorRate" {
			t.Errorf("topic %q", last)
		}
		if n := mustRun(t, a1.PostUpdates); n != 0 {
			t.Errorf("%d updates posted again", n)
		}

		t.Run("MeasuredImpact", func(t *testing.T) {
			at, _ := time.Parse(time.RFC3339, started)
			imp := hindsight.Impact{Start: at, End: at.Add(time.Hour), Step: time.Minute,
				Availability:  hindsight.Figure{Value: 99.2, Unit: hindsight.UnitPercent, Measured: true},
				PeakErrorRate: hindsight.Figure{Value: 12.5, Unit: hindsight.UnitPercent, Measured: true},
				LatencyP99:    hindsight.Figure{Unit: hindsight.UnitMilliseconds, Reason: "not measured: no latency query"}}
			if err := s1.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: incidentID, Impact: imp, Attempts: 1}); err != nil {
				t.Fatal(err)
			}
			if n := mustRun(t, a2.PostUpdates); n != 1 {
				t.Fatalf("%d updates", n)
			}
			posts := fake.Calls("chat.postMessage")
			text := posts[len(posts)-1].Form.Get("text")
			if !strings.Contains(text, "measured impact:\n• availability: 99.2%\n• peak error rate: 12.5%") || strings.Contains(text, "latency p99") {
				t.Errorf("impact update:\n%s", text)
			}
			if n := mustRun(t, a1.PostUpdates); n != 0 {
				t.Errorf("impact posted again: %d", n)
			}
		})

		t.Run("ReviewRequestMentionsReviewers", func(t *testing.T) {
			doc := &hindsight.Document{IncidentID: incidentID, Status: hindsight.DocDraft}
			if err := s1.CreateDocument(ctx, doc); err != nil {
				t.Fatal(err)
			}
			mustRun(t, a1.PostUpdates) // a draft is not announced
			doc.Status = hindsight.DocUnderReview
			if err := s1.UpdateDocument(ctx, doc, doc.Version); err != nil {
				t.Fatal(err)
			}
			if n := mustRun(t, a2.PostUpdates); n != 1 {
				t.Fatalf("%d updates", n)
			}
			posts := fake.Calls("chat.postMessage")
			text := posts[len(posts)-1].Form.Get("text")
			for _, want := range []string{"*UNDER REVIEW*", "technical_review: <@U0ALICE>", "final_approval: @dora"} {
				if !strings.Contains(text, want) {
					t.Errorf("review request lacks %q:\n%s", want, text)
				}
			}

			doc.Status = hindsight.DocApproved
			if err := s1.UpdateDocument(ctx, doc, doc.Version); err != nil {
				t.Fatal(err)
			}
			if n := mustRun(t, a1.PostUpdates); n != 1 {
				t.Fatalf("%d updates for the approval", n)
			}
			posts = fake.Calls("chat.postMessage")
			if text := posts[len(posts)-1].Form.Get("text"); !strings.Contains(text, "post-mortem *APPROVED*") {
				t.Errorf("approval update:\n%s", text)
			}
			if left, err := s2.FindSlackChannels(ctx, 10); err != nil || len(left) != 0 {
				t.Errorf("an approved record's channel is still updated: %+v %v", left, err)
			}
		})
	})
}

// TestApp_RateLimited checks that a 429 is retried after its Retry-After.
func TestApp_RateLimited(t *testing.T) {
	fake := newFakeSlack(t)
	s := teststore.Open(t, teststore.SQLiteDSN(t))
	app, w := newApp(t, s, fake)
	fake.Limit("chat.postMessage", 2)
	if err := app.SendDM(context.Background(), "U0ALICE", "Your review is due"); err != nil {
		t.Fatal(err)
	}
	posts := fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != "D0U0ALICE" || posts[0].Form.Get("text") != "Your review is due" {
		t.Fatalf("posts %+v", posts)
	}
	if len(w.d) != 2 || w.d[0] != 2*time.Second || w.d[1] != 2*time.Second {
		t.Fatalf("waits %v, want Retry-After (2s) twice", w.d)
	}
	if open := fake.Calls("conversations.open"); len(open) != 1 || open[0].Form.Get("users") != "U0ALICE" {
		t.Fatalf("conversations.open %+v", open)
	}
	if id, ok := app.UserOf(context.Background(), "@Alice"); !ok || id != "U0ALICE" {
		t.Errorf("UserOf(@Alice) = %q, %v", id, ok)
	}

	t.Run("GivesUp", func(t *testing.T) {
		fake.Limit("chat.postMessage", slack.MaxAttempts)
		err := app.SendDM(context.Background(), "U0ALICE", "again")
		if err == nil || !strings.Contains(err.Error(), "rate limit") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestApp_ConfiguredChannel: with slack.channel set, incidents post there
// and no channel is created; the shared channel is no incident's, so chat
// in it changes nothing.
func TestApp_ConfiguredChannel(t *testing.T) {
	ctx := context.Background()
	fake := newFakeSlack(t)
	s := teststore.Open(t, teststore.SQLiteDSN(t))
	seedIncident(t, s, incidentID, "HighAPIErrorRate", hindsight.SEV1)
	app, _ := newApp(t, s, fake)
	app.Channel = "C0SHARED"
	if n := mustRun(t, app.CreateChannels); n != 1 {
		t.Fatalf("%d made", n)
	}
	if n := len(fake.Calls("conversations.create")) + len(fake.Calls("conversations.invite")) + len(fake.Calls("conversations.setTopic")); n != 0 {
		t.Fatalf("%d calls creating, inviting or setting a topic", n)
	}
	posts := fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != "C0SHARED" || !strings.Contains(posts[0].Form.Get("text"), incidentID) {
		t.Fatalf("posts %+v", posts)
	}
	if _, err := s.FindSlackChannelByID(ctx, "C0SHARED"); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		t.Fatalf("the shared channel is taken for an incident's: %v", err)
	}
	base := serveApp(t, app)
	if status, out := sendCommand(t, base, "U0ALICE", "C0SHARED", "resolved"); status != 200 || out["response_type"] != "ephemeral" {
		t.Fatalf("command in the shared channel: %d %v", status, out)
	}
}
