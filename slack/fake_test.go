package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack/slacktest"
)

// botToken is the bot token of every test app.
const botToken = "xoxb-test-token"

// call is one Web API call the fake received.
type call struct {
	Method string
	Form   url.Values
}

// message is a channel message the fake serves from conversations.history.
type message struct {
	User, Text, TS string
}

// fakeSlack is slacktest's server (a real HTTP server speaking the Web API)
// with handlers that check every request against the documented shape
// (a form-encoded POST or a GET, the bot token, the method's required arguments),
// record it, and answer as Slack documents.
type fakeSlack struct {
	*slacktest.Server
	t *testing.T

	mu       sync.Mutex
	calls    []call
	messages map[string]message // by channel + "/" + ts
	replies  map[string]message // thread replies, by channel + "/" + ts
	users    map[string]string  // user ID → real name
	limited  map[string]int     // method → 429 answers still to give
	created  int
}

// required are the arguments each method must carry (api.slack.com/methods).
var required = map[string][]string{
	"conversations.create":   {"name"},
	"conversations.invite":   {"channel", "users"},
	"conversations.setTopic": {"channel", "topic"},
	"chat.postMessage":       {"channel", "text"},
	"conversations.history":  {"channel"},
	"chat.getPermalink":      {"channel", "message_ts"},
	"users.info":             {"user"},
	"conversations.open":     {"users"},
	"conversations.replies":  {"channel", "ts"},
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{t: t, messages: map[string]message{}, replies: map[string]message{}, users: map[string]string{}, limited: map[string]int{}}
	handlers := map[string]func(url.Values) any{
		"conversations.create": func(v url.Values) any {
			f.created++
			return map[string]any{"ok": true, "channel": map[string]any{"id": fmt.Sprintf("C0INC%03d", f.created), "name": v.Get("name"),
				"is_channel": true, "is_private": v.Get("is_private") == "true"}}
		},
		"conversations.invite": func(v url.Values) any {
			return map[string]any{"ok": true, "channel": map[string]any{"id": v.Get("channel")}}
		},
		"conversations.setTopic": func(v url.Values) any {
			return map[string]any{"ok": true, "channel": map[string]any{"id": v.Get("channel"), "topic": map[string]any{"value": v.Get("topic")}}}
		},
		"chat.postMessage": func(v url.Values) any {
			return map[string]any{"ok": true, "channel": v.Get("channel"), "ts": "1759999999.000100"}
		},
		"conversations.history": func(v url.Values) any {
			m, ok := f.messages[v.Get("channel")+"/"+v.Get("latest")]
			if !ok || v.Get("oldest") != v.Get("latest") || (v.Get("inclusive") != "1" && v.Get("inclusive") != "true") {
				return map[string]any{"ok": true, "messages": []any{}}
			}
			return map[string]any{"ok": true, "messages": []any{map[string]any{"type": "message", "user": m.User, "text": m.Text, "ts": m.TS}}}
		},
		"conversations.replies": func(v url.Values) any {
			// A reply's ts gives the thread's parent first, then the reply.
			m, ok := f.replies[v.Get("channel")+"/"+v.Get("ts")]
			if !ok {
				return map[string]any{"ok": false, "error": "thread_not_found"}
			}
			return map[string]any{"ok": true, "has_more": false, "messages": []any{
				map[string]any{"type": "message", "user": "U0BOB", "text": "thread parent", "ts": "1759190000.000001", "thread_ts": "1759190000.000001"},
				map[string]any{"type": "message", "user": m.User, "text": m.Text, "ts": m.TS, "thread_ts": "1759190000.000001"}}}
		},
		"chat.getPermalink": func(v url.Values) any {
			return map[string]any{"ok": true, "channel": v.Get("channel"),
				"permalink": "https://example.slack.com/archives/" + v.Get("channel") + "/p" + strings.ReplaceAll(v.Get("message_ts"), ".", "")}
		},
		"users.info": func(v url.Values) any {
			name, ok := f.users[v.Get("user")]
			if !ok {
				return map[string]any{"ok": false, "error": "user_not_found"}
			}
			return map[string]any{"ok": true, "user": map[string]any{"id": v.Get("user"), "name": strings.ToLower(strings.Fields(name)[0]),
				"real_name": name, "profile": map[string]any{"real_name": name}}}
		},
		"conversations.open": func(v url.Values) any {
			return map[string]any{"ok": true, "channel": map[string]any{"id": "D0" + v.Get("users")}}
		},
	}
	var binders []slacktest.Binder
	for method, answer := range handlers {
		binders = append(binders, func(c slacktest.Customize) {
			c.Handle("/"+method, func(w http.ResponseWriter, r *http.Request) { f.serve(w, r, method, answer) })
		})
	}
	f.Server = slacktest.NewTestServer(binders...)
	f.Start()
	t.Cleanup(f.Stop)
	return f
}

// serve checks one request, records it and answers.
func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request, method string, answer func(url.Values) any) {
	// The Web API takes form-encoded POSTs, or GETs with the arguments in
	// the query and the token in Authorization.
	post := r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
	get := r.Method == http.MethodGet && r.Header.Get("Authorization") == "Bearer "+botToken
	if !post && !get {
		f.t.Errorf("%s: %s with Content-Type %q and no bearer token", method, r.Method, r.Header.Get("Content-Type"))
	}
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("%s: unreadable form: %v", method, err)
	}
	if r.PostForm.Get("token") != botToken && r.Header.Get("Authorization") != "Bearer "+botToken {
		f.t.Errorf("%s: the bot token is neither in the form nor in Authorization", method)
		w.Write([]byte(`{"ok":false,"error":"not_authed"}`))
		return
	}
	v := r.Form
	for _, k := range required[method] {
		if v.Get(k) == "" {
			f.t.Errorf("%s: required argument %q missing in %v", method, k, v)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limited[method] > 0 {
		f.limited[method]--
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return
	}
	f.calls = append(f.calls, call{Method: method, Form: v})
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answer(v))
}

// Calls returns the calls of one method received so far.
func (f *fakeSlack) Calls(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// AddMessage makes a message readable through conversations.history.
func (f *fakeSlack) AddMessage(channel string, m message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages[channel+"/"+m.TS] = m
}

// AddReply makes a thread reply readable through conversations.replies
// only.
func (f *fakeSlack) AddReply(channel string, m message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies[channel+"/"+m.TS] = m
}

// Limit makes the next n calls of method answer 429 with Retry-After: 2.
func (f *fakeSlack) Limit(method string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[method] = n
}
