package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/slack"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// channelFixture is an incident with its channel made, and the app served.
func channelFixture(t *testing.T, dsn string) (*sqlstore.Store, *slack.App, *fakeSlack, string, string) {
	t.Helper()
	fake := newFakeSlack(t)
	s := teststore.Open(t, dsn)
	seedIncident(t, s, incidentID, "HighAPIErrorRate", hindsight.SEV2)
	app, _ := newApp(t, s, fake)
	mustRun(t, app.CreateChannels)
	return s, app, fake, serveApp(t, app), channelOf(t, s).ChannelID
}

// TestApp_TimelineFromChat: pins and configured reactions become timeline
// events with the message's own time, author, text and permalink; a
// message is one event however often it is pinned, reacted to or
// delivered; removing the last reason removes the event unless a person
// edited it.
func TestApp_TimelineFromChat(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, app, fake, base, ch := channelFixture(t, dsn)
		fake.users["U0CAROL"] = "Carol Díaz"
		fake.AddMessage(ch, message{User: "U0CAROL", Text: "Rolled back deploy 4711 — errors dropping ⚡ <!channel>", TS: "1759193400.123456"})

		accept := func(eventID string, ev map[string]any, extra ...string) bool {
			t.Helper()
			status, out := sendEvent(t, base, eventID, ev, extra...)
			if status != http.StatusOK {
				t.Fatalf("%s: %d %v", eventID, status, out)
			}
			return out["queued"] == true
		}
		if !accept("Ev001", pinAdded(ch, "U0ALICE", "Error rate at 12% since 00:24", "1759192000.000200")) {
			t.Fatal("the first event was not queued")
		}
		if accept("Ev001", pinAdded(ch, "U0ALICE", "Error rate at 12% since 00:24", "1759192000.000200"), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout") {
			t.Error("a retry of a stored event was queued again")
		}
		accept("Ev002", reaction("reaction_added", "U0BOB", "stopwatch", ch, "1759193400.123456"))
		accept("Ev003", reaction("reaction_added", "U0ALICE", "pushpin", ch, "1759192000.000200")) // same message as the pin
		accept("Ev004", reaction("reaction_added", "U0BOB", "thumbsup", ch, "1759193400.123456"))  // not configured
		accept("Ev005", pinAdded("C0ELSEWHERE", "U0ALICE", "not an incident channel", "1759192100.000100"))
		if n := mustRun(t, app.ApplyQueued); n != 5 {
			t.Fatalf("applied %d events, want 5", n)
		}
		events := timeline(t, s)
		if len(events) != 2 {
			t.Fatalf("%d events captured, want 2: %+v", len(events), events)
		}
		pinned, timed := events[0], events[1]
		if want := time.Date(2025, 9, 30, 0, 26, 40, 200000, time.UTC); !pinned.Time.Equal(want) || pinned.Actor != "alice" ||
			pinned.Action != "Error rate at 12% since 00:24 (https://example.slack.com/archives/"+ch+"/p1759192000000200)" {
			t.Errorf("pinned message captured as %+v", pinned)
		}
		if want := time.Date(2025, 9, 30, 0, 50, 0, 123456000, time.UTC); !timed.Time.Equal(want) || timed.Actor != "Carol Díaz" ||
			!strings.HasPrefix(timed.Action, "Rolled back deploy 4711 — errors dropping ⚡ <!channel> (https://example.slack.com/archives/") {
			t.Errorf("stopwatch message captured as %+v", timed)
		}
		if h := fake.Calls("conversations.history"); len(h) != 1 {
			t.Errorf("%d history reads, want 1 (the pin carries its message)", len(h))
		}
		if n := mustRun(t, app.ApplyQueued); n != 0 {
			t.Errorf("applied %d events twice", n)
		}

		t.Run("RemovalKeepsWhileAReasonRemains", func(t *testing.T) {
			accept("Ev010", pinRemoved(ch, "1759192000.000200"))
			mustRun(t, app.ApplyQueued)
			if len(timeline(t, s)) != 2 {
				t.Fatal("un-pinning removed an event that a pushpin reaction still holds")
			}
			accept("Ev011", reaction("reaction_removed", "U0ALICE", "pushpin", ch, "1759192000.000200"))
			mustRun(t, app.ApplyQueued)
			if got := timeline(t, s); len(got) != 1 || got[0].ID != timed.ID {
				t.Fatalf("after the last reason went: %+v", got)
			}
		})

		t.Run("ThreadReply", func(t *testing.T) {
			fake.AddReply(ch, message{User: "U0ALICE", Text: "Cache warmed, p99 back under 300 ms", TS: "1759194000.000300"})
			accept("Ev030", reaction("reaction_added", "U0BOB", "stopwatch", ch, "1759194000.000300"))
			mustRun(t, app.ApplyQueued)
			got := timeline(t, s)
			if len(got) != 2 || got[1].Actor != "alice" || !strings.HasPrefix(got[1].Action, "Cache warmed, p99 back under 300 ms (") ||
				!got[1].Time.Equal(time.Date(2025, 9, 30, 1, 0, 0, 300000, time.UTC)) {
				t.Fatalf("reply captured as %+v", got)
			}
			accept("Ev031", reaction("reaction_removed", "U0BOB", "stopwatch", ch, "1759194000.000300"))
			mustRun(t, app.ApplyQueued)
		})

		t.Run("EditedEventStays", func(t *testing.T) {
			edited := *timed
			edited.Action = "Rolled back deploy 4711 (confirmed by @alice)"
			if err := s.UpdateTimelineEvent(ctx, &edited); err != nil {
				t.Fatal(err)
			}
			accept("Ev020", reaction("reaction_removed", "U0BOB", "stopwatch", ch, "1759193400.123456"))
			mustRun(t, app.ApplyQueued)
			if got := timeline(t, s); len(got) != 1 || got[0].Action != edited.Action {
				t.Fatalf("an edited event was removed: %+v", got)
			}
		})
	})
}

// TestApp_EventsVerification: a bad or stale signature is 401 and stores
// nothing; Slack's URL challenge is answered.
func TestApp_EventsVerification(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		s, app, _, base, ch := channelFixture(t, dsn)
		body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "Ev100",
			"event": pinAdded(ch, "U0ALICE", "forged", "1759192000.000300")})
		for _, tc := range []struct {
			name   string
			stamp  time.Time
			secret string
		}{
			{"BadSignature", time.Now(), "not-the-secret"},
			{"Stale", time.Now().Add(-6 * time.Minute), signingSecret},
			{"Future", time.Now().Add(6 * time.Minute), signingSecret},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, out := send(t, base, "/api/v1/slack/events", "application/json", body, tc.stamp, tc.secret)
				if status != http.StatusUnauthorized || out["code"] != hindsight.EUNAUTHORIZED || out["error"] == "" {
					t.Fatalf("%d %v", status, out)
				}
			})
		}
		t.Run("NoSignature", func(t *testing.T) {
			resp, err := http.Post(base+"/api/v1/slack/events", "application/json", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%d", resp.StatusCode)
			}
		})
		queued, err := s.ClaimSlackEvents(context.Background(), "check", time.Now(), time.Now().Add(time.Minute), 10)
		if err != nil || len(queued) != 0 {
			t.Fatalf("refused requests stored %d events (%v)", len(queued), err)
		}
		mustRun(t, app.ApplyQueued)
		if got := timeline(t, s); len(got) != 0 {
			t.Fatalf("a refused event reached the timeline: %+v", got)
		}

		t.Run("URLVerification", func(t *testing.T) {
			body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
			status, out := send(t, base, "/api/v1/slack/events", "application/json", body, time.Time{}, signingSecret)
			if status != http.StatusOK || out["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
				t.Fatalf("%d %v", status, out)
			}
		})
	})
}

// TestApp_SlashCommand runs /incident as a mapped person, and checks that
// a user who is not mapped gets a clear answer and changes nothing.
func TestApp_SlashCommand(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, _, fake, base, ch := channelFixture(t, dsn)
		before, _ := s.FindIncidentByID(ctx, incidentID)
		all := func() int { ev, _ := s.FindTimeline(ctx, incidentID); return len(ev) }
		events := all()

		refused := func(t *testing.T, user, channel, text, want string) {
			t.Helper()
			status, out := sendCommand(t, base, user, channel, text)
			if status != http.StatusOK || out["response_type"] != "ephemeral" || !strings.Contains(out["text"].(string), want) {
				t.Fatalf("%d %v, want an ephemeral answer saying %q", status, out, want)
			}
			inc, _ := s.FindIncidentByID(ctx, incidentID)
			if inc.Version != before.Version || all() != events {
				t.Fatalf("a refused command changed the incident: version %d → %d, %d → %d events", before.Version, inc.Version, events, all())
			}
		}
		t.Run("UnmappedUser", func(t *testing.T) {
			refused(t, "U0STRANGER", ch, "resolved", "not linked to a Hindsight person, so nothing was changed")
		})
		t.Run("Viewer", func(t *testing.T) { refused(t, "U0VIEW", ch, "severity SEV1", "takes an editor") })
		t.Run("NotAnIncidentChannel", func(t *testing.T) { refused(t, "U0ALICE", "C0RANDOM", "ack", "not an incident's channel") })
		t.Run("BadSeverity", func(t *testing.T) { refused(t, "U0ALICE", ch, "severity SEV9", "SEV1 to SEV5") })
		t.Run("Unknown", func(t *testing.T) { refused(t, "U0ALICE", ch, "reboot everything", "unknown subcommand") })

		t.Run("Changes", func(t *testing.T) {
			for _, tc := range []struct{ text, want string }{
				{"ack", "@alice acknowledged " + incidentID},
				{"severity sev1", "to *SEV1*"},
				{"note Rolled back 4711 <!here>", "added a note to the timeline: Rolled back 4711 &lt;!here&gt;"},
				{"mitigated", "reported " + incidentID + " mitigated"},
				{"resolved", "@alice resolved " + incidentID},
				{"status", "Status *RESOLVED*"},
			} {
				status, out := sendCommand(t, base, "U0ALICE", ch, tc.text)
				if status != http.StatusOK || out["response_type"] != "in_channel" || !strings.Contains(out["text"].(string), tc.want) {
					t.Fatalf("%q: %d %v, want %q", tc.text, status, out, tc.want)
				}
			}
			inc, _ := s.FindIncidentByID(ctx, incidentID)
			if inc.Status != hindsight.IncidentResolved || inc.Severity != hindsight.SEV1 || inc.ResolvedAt == nil {
				t.Fatalf("incident %+v", inc)
			}
			types := map[hindsight.EventType]string{}
			tl, _ := s.FindTimeline(ctx, incidentID)
			for _, e := range tl {
				types[e.Type] = e.Actor
			}
			if types[hindsight.EventAcknowledged] != "alice" || types[hindsight.EventNote] != "alice" || types[hindsight.EventMitigation] != "alice" {
				t.Errorf("timeline types and actors %v", types)
			}
			c := channelOf(t, s)
			if c.Posted[hindsight.SlackPostedStatus] != string(hindsight.IncidentResolved) || c.Posted[hindsight.SlackPostedSeverity] != "SEV1" {
				t.Errorf("posted %v: the update pass would announce again what the answers said", c.Posted)
			}
			if tp := fake.Calls("conversations.setTopic"); tp[len(tp)-1].Form.Get("topic") != "SEV1 · RESOLVED · HighAPIErrorRate" {
				t.Errorf("topic %q", tp[len(tp)-1].Form.Get("topic"))
			}
		})
		t.Run("BadSignature", func(t *testing.T) {
			status, _ := send(t, base, "/api/v1/slack/commands", "application/x-www-form-urlencoded",
				[]byte("user_id=U0ALICE&channel_id="+ch+"&command=%2Fincident&text=ack"), time.Time{}, "wrong")
			if status != http.StatusUnauthorized {
				t.Fatalf("%d", status)
			}
		})
	})
}

// TestApp_WebhookFallback: with only an incoming webhook, the summary and
// the updates go there as Slack-compatible JSON.
func TestApp_WebhookFallback(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var got []map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/hooks/T0/B0/secret" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		var m map[string]any
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &m); err != nil || m["text"] == "" {
			t.Errorf("payload %q", body)
		}
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	defer hook.Close()
	s := teststore.Open(t, teststore.SQLiteDSN(t))
	seedIncident(t, s, incidentID, "HighAPIErrorRate", hindsight.SEV2)
	app, _ := newApp(t, s, nil)
	app.Webhook = &notify.Slack{WebhookURL: hook.URL + "/hooks/T0/B0/secret"}
	res, err := app.RunOnce(ctx)
	if err != nil || res.ChannelsCreated != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	inc, _ := s.FindIncidentByID(ctx, incidentID)
	inc.Status = hindsight.IncidentMitigated
	if err := s.UpdateIncident(ctx, inc, inc.Version); err != nil {
		t.Fatal(err)
	}
	if res, err := app.RunOnce(ctx); err != nil || res.UpdatesPosted != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if len(got) != 2 || !strings.Contains(got[0]["text"].(string), incidentID) || !strings.Contains(got[1]["text"].(string), "*MITIGATED*") {
		t.Fatalf("webhook received %v", got)
	}
	if c := channelOf(t, s); !c.Shared {
		t.Errorf("webhook channel not shared: %+v", c)
	}
}

// TestApp_Directory: a Slack user known only by the slack_id of a person in
// the directory is that person, with slack.directory_role.
func TestApp_Directory(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, app, fake, base, ch := channelFixture(t, dsn)
		if err := s.UpsertPerson(ctx, &hindsight.Person{Handle: "dora", Name: "Dora Ng", SlackID: "U0DORA", Source: hindsight.PersonFromConfig}); err != nil {
			t.Fatal(err)
		}
		app.People = s

		status, out := sendCommand(t, base, "U0DORA", ch, "ack")
		if status != http.StatusOK || out["response_type"] != "ephemeral" || !strings.Contains(out["text"].(string), "@dora is a viewer") {
			t.Fatalf("directory person with the default role: %d %v", status, out)
		}
		app.DirectoryRole = hindsight.RoleEditor
		status, out = sendCommand(t, base, "U0DORA", ch, "ack")
		if status != http.StatusOK || out["response_type"] != "in_channel" || !strings.Contains(out["text"].(string), "@dora acknowledged") {
			t.Fatalf("directory person as editor: %d %v", status, out)
		}
		fake.AddMessage(ch, message{User: "U0DORA", Text: "Paged the database team", TS: "1759192500.000100"})
		sendEvent(t, base, "Ev300", reaction("reaction_added", "U0BOB", "stopwatch", ch, "1759192500.000100"))
		mustRun(t, app.ApplyQueued)
		if got := timeline(t, s); len(got) != 1 || got[0].Actor != "dora" {
			t.Fatalf("captured %+v, want dora's message under her handle", got)
		}
		if id, ok := app.UserOf(ctx, "@Dora"); !ok || id != "U0DORA" {
			t.Errorf("UserOf(@Dora) = %q, %v", id, ok)
		}
	})
}

// TestApp_EventGivenUp: an event that keeps failing (its message cannot be
// read) is retried on later passes and given up after MaxAttempts, with
// nothing written.
func TestApp_EventGivenUp(t *testing.T) {
	s, app, fake, base, ch := channelFixture(t, teststore.SQLiteDSN(t))
	app.Lease = time.Nanosecond // every pass may take the event again
	sendEvent(t, base, "Ev400", reaction("reaction_added", "U0BOB", "stopwatch", ch, "1759199999.000001"))
	for i := 1; i <= slack.MaxAttempts; i++ {
		n, err := app.ApplyQueued(context.Background())
		if n != 0 || err == nil || !strings.Contains(err.Error(), "thread_not_found") {
			t.Fatalf("pass %d: %d applied, %v", i, n, err)
		}
	}
	if n, err := app.ApplyQueued(context.Background()); n != 0 || err != nil {
		t.Fatalf("after giving up: %d applied, %v", n, err)
	}
	if got := timeline(t, s); len(got) != 0 {
		t.Fatalf("captured %+v", got)
	}
	if h, r := len(fake.Calls("conversations.history")), len(fake.Calls("conversations.replies")); h != slack.MaxAttempts || r != slack.MaxAttempts {
		t.Errorf("%d history and %d replies reads, want %d of each", h, r, slack.MaxAttempts)
	}
}
