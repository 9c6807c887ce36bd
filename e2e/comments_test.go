package e2e_test

import (
	"fmt"
	"mime"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// TestBrowser_CommentsAndMentions runs two "hindsight serve" instances on
// one PostgreSQL database with the directory in their configuration and
// the SMTP sink as relay. In Chromium, an editor comments on a section of
// the post-mortem mentioning @bob (with a stored-XSS attempt), the other
// instance shows the comment, a reply and the thread's resolution follow;
// bob gets exactly one e-mail, at his own address, whichever instance's
// reminder pass sends it.
func TestBrowser_CommentsAndMentions(t *testing.T) {
	testenv.ChromiumPath(t)
	dsn := testenv.FreshPostgresDatabase(t, testenv.RequirePostgres(t))
	sink := testenv.NewSMTPSink(t, nil)
	host, port, _ := strings.Cut(sink.Addr, ":")
	config := fmt.Sprintf(`server:
  base_url: http://127.0.0.1
people:
  - handle: bob
    name: Bob Ngata
    email: bob@example.com
reminders:
  interval: 10s
  smtp:
    host: %s
    port: %s
    from: Hindsight <hindsight@example.com>
    to: [team@example.com]
    starttls: never
`, host, port)
	const wh = "e2e-webhook-secret"
	a := startUIServerOn(t, wh, config, dsn)
	b := startUIServerOn(t, wh, config, dsn)
	editor := a.token(t, "editor", "ana")
	id := a.postAlert(t, wh, filepath.Join("..", "testdata", "alertmanager", "0-single-alert-firing.json"))

	p := newPage(t, a.URL)
	p.signIn(editor)
	p.open("/incidents/" + id)
	if got := p.text("#comments"); !strings.Contains(got, "No comments yet") {
		t.Fatalf("a fresh incident's comments read %q", got)
	}
	p.fill("#comment-form", map[string]string{"section": "root_cause",
		"body": "Is the 00:20 deploy the trigger, @bob? Mail ops@example.com too. <img src=x onerror=\"window.__xss=1\"> **Zoë**"})
	p.submit("#comment-submit")
	if got := p.text(".flash"); !strings.Contains(got, "Comment added") {
		t.Fatalf("after commenting the page says %q", got)
	}
	checkNoXSS(t, p, "comment body")
	first := p.eval(`document.querySelector("#comments .thread article.comment").id`)
	got := p.text("#" + first)
	for _, want := range []string{"ana", "Root cause", "Is the 00:20 deploy the trigger, @bob?", "Zoë", "Mentions: @bob"} {
		if !strings.Contains(got, want) {
			t.Errorf("the comment reads %q, want %q in it", got, want)
		}
	}
	if n := p.count("#" + first + " img, #" + first + " script"); n != 0 {
		t.Errorf("the comment carries %d img/script elements", n)
	}
	if got := p.text("#" + first + " .mentions"); got != "Mentions: @bob" {
		t.Errorf("the mentions read %q, want @bob alone (an e-mail address mentions no one)", got)
	}
	p.shot("c01-comment")

	p.fill(".thread form.reply", map[string]string{"body": "Yes: the pool size changed at 00:20."})
	p.submit(".thread form.reply button")
	if n := p.count(".thread .replies li"); n != 1 {
		t.Fatalf("%d replies shown after replying", n)
	}
	p.submit(".thread button[data-resolve]")
	if got := p.text(".thread .resolution"); !strings.Contains(got, "Resolved by ana") {
		t.Errorf("the resolved thread reads %q", got)
	}
	if p.count(".thread form.reply") != 0 {
		t.Error("a resolved thread still offers a reply")
	}
	p.shot("c02-resolved")

	// The other instance shows the same conversation.
	q := newPage(t, b.URL)
	q.signIn(b.token(t, "viewer", "val"))
	q.open("/incidents/" + id)
	if got := q.text("#comments"); !strings.Contains(got, "Yes: the pool size changed") || !strings.Contains(got, "Resolved by ana") {
		t.Errorf("the other instance shows %q", got)
	}
	if q.count("#comment-form") != 0 {
		t.Error("a viewer is offered the comment form")
	}
	q.open("/incidents/" + id + "/history")
	if got := q.text("body"); !strings.Contains(strings.ToLower(got), "comment") {
		t.Errorf("history does not show the comments: %q", got)
	}

	// Exactly one e-mail, to bob, from whichever instance claimed it.
	deadline := time.Now().Add(40 * time.Second)
	for len(sink.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(12 * time.Second) // at least one more pass of each instance
	msgs := sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails for one mention, want 1", len(msgs))
	}
	m := msgs[0]
	subject := ""
	for _, l := range strings.Split(m.Data, "\r\n") {
		if s, ok := strings.CutPrefix(l, "Subject: "); ok {
			subject, _ = new(mime.WordDecoder).DecodeHeader(s)
		}
	}
	if strings.Join(m.To, ",") != "bob@example.com" || !strings.HasPrefix(subject, "[Hindsight] ana mentioned you on "+id) {
		t.Errorf("e-mail to %v, subject %q", m.To, subject)
	}
	if !strings.Contains(m.Data, "http://127.0.0.1/incidents/"+id+"#comment-") {
		t.Errorf("the e-mail does not link to the comment:\n%s", m.Data)
	}
	for _, pg := range []*page{p, q} {
		if errs := pg.consoleErrors(); len(errs) > 0 {
			t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
		}
	}
}
