package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/distribution"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// mustApproveStored approves a stored draft through the review workflow,
// with every placeholder answered and every role signed.
func mustApproveStored(t *testing.T, store *sqlstore.Store, id string) *hindsight.Document {
	t.Helper()
	ctx := context.Background()
	doc, err := store.FindDocument(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	n := postmortem.PlaceholderNarrative()
	n.Impact, n.RootCause, n.Resolution, n.DataSources = "Checkout failed", "A bad deploy", "Rolled back", "None"
	for i := range n.Whys {
		n.Whys[i].Answer = "Answered"
	}
	for _, l := range []*[]hindsight.Field{&n.BusinessImpact, &n.ContributingFactors, &n.WentWell, &n.CouldImprove,
		&n.TechnicalLessons, &n.ProcessLessons, &n.OrganizationalLessons, &n.Evidence, &n.ExternalCommunication} {
		for i := range *l {
			(*l)[i].Value = "Written"
		}
	}
	doc.Narrative = n
	if err := store.UpdateDocument(ctx, doc, doc.Version); err != nil {
		t.Fatal(err)
	}
	svc := review.NewService(store, hindsight.DefaultSignOffPolicy())
	svc.Lint = lint.Narrative(nil)
	who := func(name string) context.Context {
		return hindsight.NewContextWithIdentity(ctx, hindsight.Identity{Name: name, Role: hindsight.RoleApprover, Method: "token"})
	}
	if _, err := svc.TransitionDocument(who("ed"), id, hindsight.DocUnderReview, ""); err != nil {
		t.Fatal(err)
	}
	for i, role := range hindsight.SignOffRoles {
		if _, err := svc.SignOff(who("signer"+string(rune('a'+i))), id, role); err != nil {
			t.Fatal(err)
		}
	}
	approved, err := svc.TransitionDocument(who("abe"), id, hindsight.DocApproved, "")
	if err != nil {
		t.Fatal(err)
	}
	return approved
}

func TestDistribution_HTTP(t *testing.T) {
	exec, _ := hindsight.ParseSeverityCondition("severity <= SEV2")
	e := mustOpenUI(t, func(s *hhttp.Server) {
		s.AnonymousRead = true // the browser reads the page without signing in
		s.Distribution = &distribution.Record{Store: s.UIStore.(*sqlstore.Store), Entries: []hindsight.DistributionEntry{
			{Name: "engineering", Email: []string{"eng@example.com"}},
			{Name: "executive", When: exec, Email: []string{"cto@example.com"}}}}
	})
	doc := mustApproveStored(t, e.store, e.incident)
	// The engineering e-mail went out a minute after approval; the
	// executive one is still pending.
	sent := doc.ApprovedAt.Add(time.Minute)
	c := &hindsight.ReminderClaim{Kind: hindsight.ReminderDistribution, Subject: e.incident, Period: hindsight.DistributionPeriod(*doc.ApprovedAt),
		Channel: "engineering/email", Token: "t1", ClaimedAt: sent, LeaseUntil: sent.Add(time.Minute)}
	ctx := context.Background()
	if ok, err := e.store.ClaimReminder(ctx, c); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := e.store.ConfirmReminder(ctx, c, sent); err != nil {
		t.Fatal(err)
	}

	t.Run("JSON", func(t *testing.T) {
		status, body := getAs(t, e, hindsight.RoleViewer, "/api/v1/incidents/"+e.incident+"/distribution")
		var got struct {
			Entries []hindsight.DistributionTick `json:"entries"`
		}
		if status != http.StatusOK || json.Unmarshal(body, &got) != nil || len(got.Entries) != 5 {
			t.Fatalf("%d %s", status, body)
		}
		eng, execTick := got.Entries[0], got.Entries[4]
		if eng.Label != "Engineering Team" || eng.SentAt == nil || !eng.SentAt.Equal(sent) ||
			execTick.SentAt != nil || execTick.Note != "pending" {
			t.Fatalf("entries %+v", got.Entries)
		}
	})
	t.Run("ShownBesideTheRecord", func(t *testing.T) {
		_, page := getAs(t, e, hindsight.RoleViewer, "/api/v1/incidents/"+e.incident+"/postmortem.html")
		if !strings.Contains(string(page), "Distribution since approval") || !strings.Contains(string(page), "Engineering Team: sent "+sent.UTC().Format("2006-01-02 15:04")) {
			t.Fatalf("the HTML page does not show the ticks:\n%s", page)
		}
		_, md := getAs(t, e, hindsight.RoleViewer, "/api/v1/incidents/"+e.incident+"/postmortem.md")
		if string(md) != doc.ApprovedMarkdown {
			t.Fatal("the Markdown is no longer the approved record")
		}
	})
	t.Run("UIPage", func(t *testing.T) { checkDistributionPage(t, e.url+"/incidents/"+e.incident, sent) })
}

// checkDistributionPage opens the incident's page in Chromium, checks that
// the ticks show under the approved document, and keeps a screenshot.
func checkDistributionPage(t *testing.T, url string, sent time.Time) {
	ctx := testenv.NewBrowserContext(t)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Distribution since approval") || !strings.Contains(text, "Engineering Team: sent "+sent.UTC().Format("2006-01-02 15:04")) ||
		!strings.Contains(text, "Executive Team (if SEV1-SEV2): pending") {
		t.Errorf("the incident page does not show the ticks:\n%s", text)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("HINDSIGHT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", ".artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "distribution-approved.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	// The section itself, at the size people see it.
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const h = [...document.querySelectorAll("h2")].find(h => h.textContent.includes("Distribution since approval")); if (!h) return false; h.scrollIntoView(); return true })()`)); err != nil || !ok {
		t.Fatalf("no section heading in the page (%v)", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "distribution-ticks.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// getAs sends a GET as who ("" for no credentials).
func getAs(t *testing.T, e *uiEnv, who hindsight.Role, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	resp, body := mustDo(t, http.DefaultClient, req)
	return resp.StatusCode, body
}
