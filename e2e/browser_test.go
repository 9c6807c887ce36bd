package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// uiServer is a "hindsight serve" process for the browser tests, with its
// store path known so that the test can create tokens.
type uiServer struct {
	URL, DB string
	cmd     *exec.Cmd
	out     *testenv.LogBuffer
}

// startUIServer runs hindsight serve with server.base_url on plain http
// (so session cookies are not Secure) and a webhook token.
func startUIServer(t *testing.T, webhookToken string) *uiServer {
	t.Helper()
	return startUIServerWithConfig(t, webhookToken, "server:\n  base_url: http://127.0.0.1\n")
}

// startUIServerWithConfig runs hindsight serve with the given
// hindsight.yaml and a webhook token.
func startUIServerWithConfig(t *testing.T, webhookToken, config string) *uiServer {
	t.Helper()
	return startUIServerOn(t, webhookToken, config, "")
}

// startUIServerOn runs hindsight serve on the store db (a new SQLite file
// when ""), so that several servers may share one PostgreSQL database.
func startUIServerOn(t *testing.T, webhookToken, config, db string) *uiServer {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hindsight.yaml")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if db == "" {
		db = filepath.Join(dir, "hindsight.db")
	}
	s := &uiServer{DB: db, out: &testenv.LogBuffer{}}
	s.cmd = exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--db", s.DB, "--config", cfg)
	s.cmd.Env = append(os.Environ(), "HINDSIGHT_WEBHOOK_TOKEN="+webhookToken)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout = s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(s.out, sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
		if t.Failed() {
			t.Logf("hindsight serve output:\n%s", s.out)
		}
	})
	select {
	case url, ok := <-found:
		if !ok {
			t.Fatalf("hindsight serve exited:\n%s", s.out)
		}
		s.URL = url
	case <-time.After(60 * time.Second):
		t.Fatalf("hindsight serve not listening within 60s:\n%s", s.out)
	}
	return s
}

// token creates an API token with the CLI and returns its secret, printed
// on the last line.
func (s *uiServer) token(t *testing.T, role, name string) string {
	t.Helper()
	return createToken(t, s.DB, role, name)
}

// postAlert posts an Alertmanager payload and returns the incident's ID.
func (s *uiServer) postAlert(t *testing.T, webhookToken, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/alerts/alertmanager", f)
	req.Header.Set("Authorization", "Bearer "+webhookToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		IncidentID string `json:"incident_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.IncidentID == "" {
		t.Fatalf("webhook: %d %v %+v", resp.StatusCode, err, out)
	}
	return out.IncidentID
}

// page drives one browser tab: each step is bounded, console messages are
// collected, and screenshots go to the artifacts directory.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	mu   sync.Mutex
	msgs []string
}

func newPage(t *testing.T, base string) *page {
	ctx := testenv.NewBrowserContext(t)
	dir := os.Getenv("HINDSIGHT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", ".artifacts")
	}
	p := &page{t: t, ctx: ctx, base: base, dir: filepath.Join(dir, "screenshots")}
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// The refused submission answers 409 on purpose: that is the
			// one network error the browser may log.
			expected := m.Source == "network" && strings.HasSuffix(m.URL, "/status") && strings.Contains(m.Text, "409")
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !expected {
				p.mu.Lock()
				p.msgs = append(p.msgs, m.String()+" ("+m.URL+")")
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// do runs steps with a timeout, failing the test on error.
func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the first element matching sel.
func (p *page) text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page.
func (p *page) eval(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("eval %s: %v", expr, err)
	}
	return s
}

// tryEval evaluates expr and returns "" when the page is between two
// documents (the evaluation's target navigated away), as it may be while a
// submitted form loads.
func (p *page) tryEval(expr string) string {
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		return ""
	}
	return s
}

// open navigates to path and waits for the page.
func (p *page) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path), chromedp.WaitReady("body"))
}

// submit clicks sel and waits for the next document to load.
func (p *page) submit(sel string) {
	p.t.Helper()
	p.eval(`(window.__before = 1, "")`)
	p.do("click "+sel, chromedp.Click(sel))
	deadline := time.Now().Add(30 * time.Second)
	for p.tryEval(`typeof window.__before === "undefined" && document.readyState === "complete" ? "y" : ""`) != "y" {
		if time.Now().After(deadline) {
			p.t.Fatalf("no new page after clicking %s", sel)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shot writes a full-page screenshot named name.png.
func (p *page) shot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(p.dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// consoleErrors returns the console errors and exceptions seen so far.
func (p *page) consoleErrors() []string {
	time.Sleep(200 * time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.msgs...)
}

func (p *page) signIn(token string) {
	p.t.Helper()
	p.open("/signin")
	p.do("paste token", chromedp.SetValue("#token", token))
	p.submit("form[action='/signin'] button[type=submit]")
	if got := p.text("h1"); got != "Incidents" {
		p.t.Fatalf("after sign-in the page is %q", got)
	}
}

func (p *page) signOut() {
	p.t.Helper()
	p.submit("form.who button")
}

// xssRootCause tries stored XSS through the narrative editor.
const xssRootCause = `Connection pool exhausted after the 00:10 deploy. <img src=x onerror="window.__xss=1"><script>window.__xss=2</script> [details](javascript:window.__xss=3)`

// TestBrowser_ReviewWorkflow walks a post-mortem from an Alertmanager alert
// to APPROVED in a real browser: the editor resolves the incident, writes
// the narrative (with a stored-XSS attempt), records events, dismisses the
// template rows that do not apply, adds and edits an action item, sees the
// lint findings that block review, fixes them and submits; approvers sign
// and approve. No console error may appear on any page.
func TestBrowser_ReviewWorkflow(t *testing.T) {
	t.Parallel()
	testenv.ChromiumPath(t)
	const wh = "e2e-webhook-secret"
	s := startUIServer(t, wh)
	editor := s.token(t, "editor", "ana")
	tess, mona, dora := s.token(t, "approver", "tess"), s.token(t, "approver", "mona"), s.token(t, "approver", "dora")
	dir := filepath.Join("..", "testdata", "alertmanager")
	id := s.postAlert(t, wh, filepath.Join(dir, "1-group-firing-3-alerts.json"))
	if again := s.postAlert(t, wh, filepath.Join(dir, "3-group-one-alert-resolved.json")); again != id {
		t.Fatalf("the group's next notification opened %s, want %s", again, id)
	}
	evil := s.postAlert(t, wh, hostilePayload(t))
	start := s.startedAt(t, editor, id)

	p := newPage(t, s.URL)
	p.open("/signin")
	p.shot("01-signin")
	p.signIn(editor)
	p.shot("02-incidents")
	p.open("/incidents/" + evil)
	checkNoXSS(t, p, "incident with a hostile title")
	p.open("/incidents/" + id)
	p.shot("03-incident-draft")

	resolveInUI(t, p, id)
	s.measureImpact(t, editor, id)
	writeRootCause(t, p, id)
	addAndEditAction(t, p, id)

	p.submit("#submit-review")
	if problem := p.text(".problem"); !strings.Contains(problem, "lint found") {
		t.Errorf("refused submission shows %q, want the lint findings", problem)
	}
	before := p.count("#findings li")
	p.shot("05-lint-findings")

	fillNarrative(t, p, id)
	recordEvents(t, p, id, start)
	dismissed := p.dismissAll(id)
	p.open("/incidents/" + id)
	p.shot("06-findings-fixed")
	if n := p.count("#findings li"); n != 0 {
		t.Fatalf("%d of %d findings remain after the fixes:\n%s", n, before, p.text("#findings"))
	}
	t.Logf("findings: %d before the fixes, none after; %d template rows dismissed", before, dismissed)
	p.submit("#submit-review")
	if got := p.text("#workflow"); !strings.Contains(got, "UNDER REVIEW") {
		t.Fatalf("after submitting, the review panel shows %q", got)
	}
	p.sign(id, "author")
	p.shot("07-under-review")
	approve(t, p, id, tess, mona, dora)
	otherPages(t, p, id)
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// resolveInUI mitigates, then resolves the incident from its page.
func resolveInUI(t *testing.T, p *page, id string) {
	t.Helper()
	for _, to := range []string{"MITIGATED", "RESOLVED"} {
		p.open("/incidents/" + id)
		p.fill("#incident-status form", map[string]string{"to": to, "reason": "error rate back to normal"})
		p.submit("#change-incident-status")
		if got := p.text(".incident-head .badges"); !strings.Contains(got, to) {
			t.Fatalf("after moving to %s the page shows %q", to, got)
		}
	}
}

// writeRootCause saves a root cause carrying a stored-XSS attempt through
// the editor's preview.
func writeRootCause(t *testing.T, p *page, id string) {
	t.Helper()
	p.open("/incidents/" + id + "/edit/root_cause")
	p.do("type root cause", chromedp.SetValue("#value_0", xssRootCause))
	p.submit("#preview-button")
	p.shot("04-edit-preview")
	checkNoXSS(t, p, "preview")
	p.submit("#save-button")
	checkNoXSS(t, p, "incident page after saving")
	if doc := p.text("#document"); !strings.Contains(doc, "Connection pool exhausted") {
		t.Errorf("the saved root cause is not in the document")
	}
}

// addAndEditAction adds an action item, then edits it: owner, status,
// tracker link.
func addAndEditAction(t *testing.T, p *page, id string) {
	t.Helper()
	p.fill("#add-action", map[string]string{"title": "Alert on connection pool saturation", "owner": "@ana",
		"verification": "Pool alert fires in the next load test"})
	p.submit("#add-action button")
	if got := p.text("#actions table"); !strings.Contains(got, "Alert on connection pool saturation") {
		t.Fatalf("action item not listed: %q", got)
	}
	p.submit("#actions a[id^=edit-action-]")
	p.shot("04b-edit-action")
	p.fill("#edit-action", map[string]string{"owner": "@ben", "status": "in_progress", "tracker_url": "https://tracker.example.com/OPS-7"})
	p.submit("#save-action")
	if got := p.text("#actions table"); !strings.Contains(got, "@ben") || !strings.Contains(strings.ToLower(got), "in progress") {
		t.Errorf("edited action item shows %q", got)
	}
}

// recordEvents adds the events the template expects and that happened,
// then corrects one through its editor.
func recordEvents(t *testing.T, p *page, id string, start time.Time) {
	t.Helper()
	p.addEvent(id, start.Add(-4*time.Minute), "issue_started", "Issue started", "Deploy 42 exhausts the connection pool")
	p.addEvent(id, start.Add(3*time.Minute), "acknowledged", "Detection", "On-call acknowledges the page")
	p.addEvent(id, start.Add(12*time.Minute), "mitigation", "First mitigation", "Traffic shifted to the standby pool")
	p.addEvent(id, start.Add(25*time.Minute), "fix", "Solution implemented", "Deploy 42 rolled back")
	p.submit("#timeline a[id^=edit-event-]:last-of-type")
	p.shot("05b-edit-event")
	p.fill("#edit-event", map[string]string{"actor": "@ana and @ben"})
	p.submit("#save-event")
	if got := p.text("#timeline table"); !strings.Contains(got, "@ana and @ben") {
		t.Errorf("edited event not shown: %q", got)
	}
}

// approve signs technical review, management review and final approval
// as three different approvers (one person signs one role), then approves.
func approve(t *testing.T, p *page, id, tech, mgmt, final string) {
	t.Helper()
	p.signOut()
	p.signIn(tech)
	if got := p.text(".who"); !strings.Contains(got, "@tess") || strings.Contains(got, "token:") || !strings.Contains(got, "approver") {
		t.Errorf("signed in as %q, want @tess, approver", got)
	}
	p.sign(id, "technical_review")
	p.signOut()
	p.signIn(mgmt)
	p.sign(id, "management_review")
	p.signOut()
	p.signIn(final)
	p.sign(id, "final_approval")
	p.shot("08-signed")
	p.submit("#approve")
	if p.count(".problem") > 0 {
		t.Fatalf("approval refused: %s", p.text(".problem"))
	}
	if got := p.text("#workflow"); !strings.Contains(got, "APPROVED") {
		t.Fatalf("after approving, the review panel shows %q", got)
	}
	p.shot("09-approved")
}

// otherPages screenshots the remaining pages and the print view.
func otherPages(t *testing.T, p *page, id string) {
	t.Helper()
	for name, path := range map[string]string{"10-history": "/incidents/" + id + "/history", "11-actions": "/actions",
		"12-dashboard": "/dashboard", "13-search": "/incidents?q=connection+pool"} {
		p.open(path)
		p.shot(name)
	}
	p.open("/incidents/" + id)
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print media: %v", err)
	}
	p.shot("14-print")
}

// checkNoXSS fails when a hostile script ran.
func checkNoXSS(t *testing.T, p *page, where string) {
	t.Helper()
	if got := p.eval(`typeof window.__xss`); got != "undefined" {
		t.Errorf("%s: stored XSS ran (window.__xss is %s)", where, got)
	}
}

// hostilePayload writes a copy of a real notification whose alert name
// and annotations carry HTML, and returns its path.
func hostilePayload(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "alertmanager", "0-single-alert-firing.json"))
	if err != nil {
		t.Fatal(err)
	}
	evil := `<img src=x onerror=window.__xss=4>`
	s := strings.ReplaceAll(string(b), `"HighAPIErrorRate"`, fmt.Sprintf("%q", "Evil"+evil))
	s = strings.ReplaceAll(s, `{}:{alertname=`, `{}:{evil=`)
	s = strings.Replace(s, `"summary": "`, `"summary": "<script>window.__xss=5</script>`, 1)
	path := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
