package e2e_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// TestBrowser_WritingAndReading writes a whole post-mortem narrative from
// the one editor in one save, from a real Alertmanager notification, and
// reads it back: section states and grouped findings update, the measured
// figures' footnotes render as footnotes whose links go both ways, the
// downloads answer a signed-in viewer, and the print view prints the
// document alone. Every page is photographed.
func TestBrowser_WritingAndReading(t *testing.T) {
	t.Parallel()
	testenv.ChromiumPath(t)
	const wh = "e2e-webhook-secret"
	s := startUIServer(t, wh)
	editor, viewer := s.token(t, "editor", "lead"), s.token(t, "viewer", "val")
	id := s.postAlert(t, wh, filepath.Join("..", "testdata", "alertmanager", "1-group-firing-3-alerts.json"))

	p := newPage(t, s.URL)
	p.signIn(editor)
	resolveInUI(t, p, id)
	s.measureImpact(t, editor, id)
	p.open("/incidents/" + id)
	p.shot("w01-incident-fresh-draft")
	summary := p.text("#findings h3")
	if !strings.Contains(summary, "15 sections to write") || !strings.Contains(summary, "template rows to fill or dismiss") {
		t.Errorf("a fresh draft's findings read %q", summary)
	}
	groupsBefore := p.count(".finding-groups > li")
	if n := p.count(".finding-groups a[href*='/narrative#sec-']"); n != 15 {
		t.Errorf("%d finding groups link to a section of the editor, want 15", n)
	}
	checkFootnotes(t, p)

	p.open("/incidents/" + id + "/narrative")
	p.shot("w02-editor-fresh")
	if got := p.eval(`String(Array.from(document.querySelectorAll("#narrative-editor textarea, #narrative-editor input.wide-input")).filter(function (b) { return b.value !== "" || b.placeholder === "" }).length)`); got != "0" {
		t.Errorf("%s boxes of a fresh draft open with text, or without a hint", got)
	}
	if n := p.count(".section-nav li.state-empty"); n != 15 {
		t.Errorf("%d sections shown empty, want 15", n)
	}
	boxes := p.eval(`String(Array.from(document.querySelectorAll("#narrative-editor textarea, #narrative-editor input.wide-input")).map(function (b) {
		b.value = "Written in one go (" + b.name + "): the pool was exhausted by a deploy — ✓"; return b; }).length)`)
	p.submit("#save-button")
	if got := p.text(".flash"); !strings.Contains(got, "Narrative saved") {
		t.Fatalf("after one save the editor says %q", got)
	}
	if n := p.count(".section-nav li.state-done"); n != 15 {
		t.Errorf("%d of 15 sections done after writing all %s boxes in one save", n, boxes)
	}
	p.shot("w03-editor-saved")

	p.open("/incidents/" + id)
	p.shot("w04-incident-written")
	if n := p.count(".finding-groups a[href*='/narrative#sec-']"); n != 0 {
		t.Errorf("%d narrative sections still have findings after one save:\n%s", n, p.text("#findings"))
	}
	if after := p.count(".finding-groups > li"); after >= groupsBefore {
		t.Errorf("finding groups %d → %d: want fewer", groupsBefore, after)
	}
	if n := p.count("#narrative .section-states li.state-done"); n != 15 {
		t.Errorf("the incident page shows %d sections done, want 15", n)
	}

	p.open("/incidents/" + id + "/history")
	if got := p.text("#activity"); !strings.Contains(got, "@lead edited Impact, Root cause") {
		t.Errorf("history does not read as activity: %q", got)
	}
	// The raw diff is one click away: open the narrative edit's.
	p.do("show the changes", chromedp.Click("#activity li.activity:last-child details summary"))
	if n := p.count("#activity li.activity:last-child details[open] table.diff tr"); n < 2 {
		t.Errorf("opening the changes shows %d diff rows", n)
	}
	p.shot("w05-history")
	p.open("/incidents?postmortem=DRAFT&service=API")
	if got := p.text("#incident-list"); !strings.Contains(got, id) || !strings.Contains(got, "DRAFT") {
		t.Errorf("the filtered list lacks the draft: %q", got)
	}
	p.shot("w06-incident-list")

	p.signOut()
	p.signIn(viewer)
	statuses := p.eval(fmt.Sprintf(`(function () { var out = [];
		["/incidents/%[1]s/postmortem.md", "/incidents/%[1]s/postmortem.html", "/incidents/%[1]s/postmortem.json", "/incidents/%[1]s/print"].forEach(function (u) {
			var x = new XMLHttpRequest(); x.open("GET", u, false); x.send(); out.push(x.status); });
		return out.join(","); })()`, id))
	if statuses != "200,200,200,200" {
		t.Errorf("downloads answer a signed-in viewer %s, want 200 each", statuses)
	}
	p.open("/incidents/" + id)
	p.shot("w07-incident-viewer")
	for _, sel := range []string{"#download-md", "#download-html", "#download-json", "#print-view"} {
		if p.count(sel) != 1 {
			t.Errorf("the incident page lacks %s", sel)
		}
	}
	p.open("/incidents/" + id + "/print")
	p.shot("w08-print-view-screen")
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print media: %v", err)
	}
	p.shot("w09-print-view-print")
	visible := p.eval(`String(Array.from(document.body.children).filter(function (e) { return getComputedStyle(e).display !== "none" }).map(function (e) { return e.tagName + "." + e.className }).join(" "))`)
	if visible != "MAIN.document" {
		t.Errorf("printing shows %q, want the document alone", visible)
	}
	if n := p.count("form, nav.top, .panel, header.top"); n != 0 {
		t.Errorf("the print view carries %d forms or panels", n)
	}
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// checkFootnotes checks that the measured figures' footnotes render as
// footnotes: superscript references, one list at the end of the document,
// and links that go to the note and back.
func checkFootnotes(t *testing.T, p *page) {
	t.Helper()
	if got := p.text("#document"); strings.Contains(got, "[^") {
		t.Errorf("the document shows literal footnote markers")
	}
	if n := p.count("#document .footnotes"); n != 1 {
		t.Fatalf("%d footnote lists, want one", n)
	}
	notes := p.count("#document .footnotes li")
	if notes == 0 {
		t.Fatal("no footnotes rendered")
	}
	p.do("follow the first reference", chromedp.Click("#document sup a.footnote-ref"))
	if h := p.eval(`location.hash`); h != "#fn:1" {
		t.Errorf("the first reference leads to %q, want #fn:1", h)
	}
	p.do("follow the back-link", chromedp.Click(`#document li[id="fn:1"] a.footnote-backref`))
	if h := p.eval(`location.hash`); h != "#fnref:1" {
		t.Errorf("the back-link leads to %q, want #fnref:1", h)
	}
	t.Logf("%d footnotes", notes)
}
