package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/slack"
)

// TestServe_Slack starts the server with the Slack app aimed at slacktest's
// Web API: a real Alertmanager notification opens an incident, whose
// channel the app creates and greets; the Events API route answers a
// signed challenge and refuses an unsigned request.
func TestServe_Slack(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var calls []string
	record := func(method string) slacktest.Binder {
		return func(c slacktest.Customize) {
			c.Handle("/"+method, func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				if r.PostForm.Get("token") != "xoxb-serve-test" {
					t.Errorf("%s without the bot token", method)
				}
				mu.Lock()
				calls = append(calls, method+" "+r.PostForm.Get("name")+r.PostForm.Get("topic"))
				mu.Unlock()
				json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": map[string]any{"id": "C0SERVE", "name": r.PostForm.Get("name")}})
			})
		}
	}
	fake := slacktest.NewTestServer(record("conversations.create"), record("conversations.setTopic"), record("chat.postMessage"))
	fake.Start()
	defer fake.Stop()

	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Config.Slack.BotToken = "xoxb-serve-test"
		m.Config.Slack.SigningSecret = "serve-signing-secret"
		m.Config.Slack.APIURL = fake.GetAPIURL()
		m.Config.Slack.Interval = config.Duration(20 * time.Millisecond)
	})
	if status, body, err := postWebhook(m.URL(), bytes.NewReader(readFixture(t, "0-single-alert-firing.json"))); err != nil || status != http.StatusOK {
		t.Fatalf("webhook: %d %s %v", status, body, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := strings.Join(calls, "\n")
		mu.Unlock()
		if strings.Contains(got, "chat.postMessage") {
			if !strings.HasPrefix(got, "conversations.create incident-20261127-0535-highapierrorrate\n") ||
				!strings.Contains(got, "conversations.setTopic SEV2 · UNDER INVESTIGATION · HighAPIErrorRate") {
				t.Fatalf("calls:\n%s", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no channel after 10 s; calls:\n%s", got)
		}
		time.Sleep(20 * time.Millisecond)
	}

	body := []byte(`{"type":"url_verification","challenge":"serve-challenge"}`)
	post := func(sign bool) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/api/v1/slack/events", bytes.NewReader(body))
		if sign {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", slack.Sign("serve-signing-secret", ts, body))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	if status, got := post(true); status != http.StatusOK || !strings.Contains(got, `"challenge":"serve-challenge"`) {
		t.Errorf("signed challenge: %d %s", status, got)
	}
	if status, _ := post(false); status != http.StatusUnauthorized {
		t.Errorf("unsigned: %d", status)
	}
	form := url.Values{"user_id": {"U0NOBODY"}, "channel_id": {"C0SERVE"}, "command": {"/incident"}, "text": {"resolved"}}
	req, _ := http.NewRequest(http.MethodPost, m.URL()+"/api/v1/slack/commands", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Sign("serve-signing-secret", ts, []byte(form.Encode())))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer slack.CommandAnswer
	json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || answer.ResponseType != "ephemeral" || !strings.Contains(answer.Text, "not linked") {
		t.Errorf("unmapped command: %d %+v", resp.StatusCode, answer)
	}
}

// TestServe_SlackDirectMessage: with the Slack app configured, a reminder to
// a person of the directory who has a Slack user ID reaches them as a direct
// message, once, even though the scheduler passes many times.
func TestServe_SlackDirectMessage(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var dms []string
	fake := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/conversations.open", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			if r.PostForm.Get("token") != "xoxb-dm-test" || r.PostForm.Get("users") != "U0BOB" {
				t.Errorf("conversations.open %v, want the bot token and users=U0BOB", r.PostForm)
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": map[string]any{"id": "D0BOB"}})
		})
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			if r.PostForm.Get("channel") == "D0BOB" {
				mu.Lock()
				dms = append(dms, r.PostForm.Get("text"))
				mu.Unlock()
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": r.PostForm.Get("channel"), "ts": "1700000000.000100"})
		})
	})
	fake.Start()
	defer fake.Stop()

	now := time.Date(2025, 10, 8, 9, 0, 0, 0, time.UTC)
	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Now = func() time.Time { return now }
		m.Config.Slack.BotToken = "xoxb-dm-test"
		m.Config.Slack.SigningSecret = "dm-signing-secret"
		m.Config.Slack.APIURL = fake.GetAPIURL()
		m.Config.People = []config.PersonConfig{{Handle: "@bob", Name: "Bob Ñandú", SlackID: "U0BOB"}}
		m.Config.Reminders.Interval = config.Duration(20 * time.Millisecond)
	})
	ctx := context.Background()
	if err := m.Store.CreateIncident(ctx, &hindsight.Incident{ID: "INC-DM", Title: "OnlyAlertname", Severity: hindsight.SEV3,
		Status: hindsight.IncidentInvestigating, StartedAt: now.AddDate(0, 0, -10)}); err != nil {
		t.Fatal(err)
	}
	if err := m.Store.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: "INC-DM", Title: "Add a circuit breaker",
		Owner: "@bob", Horizon: hindsight.HorizonImmediate, DueDate: now.AddDate(0, 0, -3).Truncate(24 * time.Hour),
		Status: hindsight.ActionOpen}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(dms)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // ten more passes of the scheduler
	mu.Lock()
	defer mu.Unlock()
	if len(dms) != 1 || !strings.Contains(dms[0], "Add a circuit breaker") {
		t.Fatalf("direct messages to bob: %q, want one about the overdue action", dms)
	}
}
