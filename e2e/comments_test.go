package e2e_test

import (
	"context"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
	t.Parallel()
	testenv.ChromiumPath(t)
	dsn := testenv.FreshPostgresDatabase(t)
	sink := testenv.NewSMTPSink(t, nil)
	host, port, _ := strings.Cut(sink.Addr, ":")
	config := fmt.Sprintf(`server:
  base_url: http://127.0.0.1
people:
  - handle: bob
    name: Bob Ngata
    email: bob@example.com
  - handle: carol
    email: carol@example.com
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

	// carol turns e-mail off on her page: what concerns her goes to the
	// team's configured address instead.
	c := newPage(t, b.URL)
	c.signIn(b.token(t, "viewer", "carol"))
	c.open("/me/notifications")
	c.do("untick e-mail", chromedp.Click("#pref-email"))
	c.submit("#prefs-save")
	if got := c.text(".flash"); !strings.Contains(got, "saved") || c.eval(`String(document.querySelector("#pref-email").checked)`) != "false" ||
		c.eval(`String(document.querySelector("#pref-slack").checked)`) != "true" {
		t.Fatalf("after saving, the preferences page says %q", got)
	}
	c.shot("c00-notification-prefs")

	p := newPage(t, a.URL)
	p.signIn(editor)
	p.open("/incidents/" + id)
	if got := p.text("#comments"); !strings.Contains(got, "No comments yet") {
		t.Fatalf("a fresh incident's comments read %q", got)
	}
	p.fill("#comment-form", map[string]string{"section": "root_cause",
		"body": "Is the 00:20 deploy the trigger, @bob? Mail ops@example.com too, and @carol. <img src=x onerror=\"window.__xss=1\"> **Zoë**"})
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
	if got := p.text("#" + first + " .mentions"); got != "Mentions: @bob, @carol" {
		t.Errorf("the mentions read %q, want @bob and @carol (an e-mail address mentions no one)", got)
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
	p.shotOf("#comments", "c03-comments-panel")

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

	// Exactly one e-mail per mention, whichever instance claimed it: bob's
	// at his address, carol's (e-mail off) at the team's.
	deadline := time.Now().Add(40 * time.Second)
	for len(sink.Messages()) < 2 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(12 * time.Second) // at least one more pass of each instance
	got = ""
	for _, m := range sink.Messages() {
		subject := ""
		for _, l := range strings.Split(m.Data, "\r\n") {
			if s, ok := strings.CutPrefix(l, "Subject: "); ok {
				subject, _ = new(mime.WordDecoder).DecodeHeader(s)
			}
		}
		got += strings.Join(m.To, ",") + " " + subject + "\n"
		if !strings.Contains(m.Data, "http://127.0.0.1/incidents/"+id+"#comment-") {
			t.Errorf("the e-mail does not link to the comment:\n%s", m.Data)
		}
	}
	want := "bob@example.com [Hindsight] ana mentioned you on " + id
	if n := strings.Count(got, "\n"); n != 2 || strings.Count(got, want) != 1 ||
		strings.Count(got, "team@example.com [Hindsight] ana mentioned you on "+id) != 1 {
		t.Errorf("%d e-mails:\n%swant one to bob, one to the team (for carol)", n, got)
	}
	for _, pg := range []*page{c, p, q} {
		if errs := pg.consoleErrors(); len(errs) > 0 {
			t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
		}
	}
}

// shotOf writes a screenshot of the first element matching sel.
func (p *page) shotOf(sel, name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(sel))
	if err != nil {
		p.t.Fatalf("screenshot of %s: %v", sel, err)
	}
	if err := os.WriteFile(filepath.Join(p.dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}
