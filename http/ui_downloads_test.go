package http_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// storeMeasuredImpact gives the test incident measured figures with more
// precision than people read.
func storeMeasuredImpact(t *testing.T, e *uiEnv) {
	t.Helper()
	start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	fig := func(v float64, u hindsight.Unit) hindsight.Figure {
		return hindsight.Figure{Value: v, Unit: u, Measured: true, Query: "up", Start: start, End: start.Add(time.Hour)}
	}
	imp := hindsight.Impact{Start: start, End: start.Add(time.Hour), Targets: hindsight.DefaultSLOTargets(),
		Availability: fig(80.98765, hindsight.UnitPercent), PeakErrorRate: fig(19.012345, hindsight.UnitPercent),
		LatencyP95: fig(2390.327, hindsight.UnitMilliseconds), LatencyP99: hindsight.NotMeasured(hindsight.UnitMilliseconds, "no data"),
		MaxStaleness: fig(1, hindsight.UnitMinutes), Downtime: fig(101, hindsight.UnitMinutes)}
	if err := e.store.SaveImpact(context.Background(), &hindsight.ImpactRecord{IncidentID: e.incident, Impact: imp, ComputedAt: start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

func TestUI_DownloadsWithSession(t *testing.T) {
	e := mustOpenUI(t, nil)
	storeMeasuredImpact(t, e)
	viewer := e.signedIn(t, hindsight.RoleViewer)
	base := "/incidents/" + e.incident + "/postmortem"
	tests := []struct {
		ext, contentType, want string
	}{
		{".md", "text/markdown", "- **Latency**: p95 = 2.39 s[^"},
		{".html", "text/html", `class="footnotes"`},
		{".json", "application/json", `"value": 80.98765`},
	}
	for _, tt := range tests {
		t.Run(tt.ext, func(t *testing.T) {
			resp, body := viewer.get(base + tt.ext)
			wantStatus(t, "GET "+base+tt.ext, resp, body, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("body lacks %q:\n%.1500s", tt.want, body)
			}
			resp, body = e.browser(t).get(base + tt.ext)
			wantStatus(t, "anonymous", resp, body, http.StatusSeeOther)
		})
	}
	t.Run("FiguresForPeople", func(t *testing.T) {
		_, md := viewer.get(base + ".md")
		for _, want := range []string{"80.99% uptime[^", "19.01% peak[^", "Max staleness = 1 minute[^", "Total downtime: 1 hour 41 minutes[^"} {
			if !strings.Contains(md, want) {
				t.Errorf("the document lacks %q", want)
			}
		}
		for _, bad := range []string{"80.988", "2390.327"} {
			if strings.Contains(md, bad) {
				t.Errorf("the document shows %q", bad)
			}
		}
		if m := regexp.MustCompile(`\b1 (minutes|hours|seconds)`).FindString(md); m != "" {
			t.Errorf("the document shows %q", m)
		}
		_, page := viewer.get("/incidents/" + e.incident)
		for _, want := range []string{"<dd>80.99%</dd>", "<dd>2.39 s</dd>", `class="footnote-ref"`, `class="footnote-backref"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the incident page lacks %s", want)
			}
		}
	})
	t.Run("APITokenStillWorks", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/incidents/"+e.incident+"/postmortem.md", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleViewer])
		resp, body := mustDo(t, http.DefaultClient, req)
		wantStatus(t, "API with token", resp, string(body), http.StatusOK)
	})
	t.Run("PrintView", func(t *testing.T) {
		resp, page := viewer.get("/incidents/" + e.incident + "/print")
		wantStatus(t, "print view", resp, page, http.StatusOK)
		for _, want := range []string{`<main class="document"`, "# Post-Mortem", "/assets/paper-a4.css"} {
			if want == "# Post-Mortem" {
				want = "<h1>Post-Mortem: HighAPIErrorRate</h1>"
			}
			if !strings.Contains(page, want) {
				t.Errorf("print view lacks %s", want)
			}
		}
		for _, bad := range []string{"<form", `class="top"`, `id="workflow"`, "<script"} {
			if strings.Contains(page, bad) {
				t.Errorf("print view carries %s", bad)
			}
		}
		if _, page := viewer.get("/incidents/" + e.incident + "/print?paper=letter"); !strings.Contains(page, "/assets/paper-letter.css") {
			t.Error("?paper=letter does not select Letter")
		}
	})
	t.Run("IncidentPageLinksThem", func(t *testing.T) {
		_, page := viewer.get("/incidents/" + e.incident)
		for _, link := range []string{base + ".md", base + ".html", base + ".json", "/incidents/" + e.incident + "/print"} {
			if !strings.Contains(page, `href="`+link+`"`) {
				t.Errorf("the incident page does not link %s", link)
			}
		}
	})
}

func TestUI_FindingsGroupedBySection(t *testing.T) {
	e := mustOpenUI(t, nil)
	b := e.signedIn(t, hindsight.RoleEditor)
	_, page := b.get("/incidents/" + e.incident)
	for _, want := range []string{"15 sections to write", "template rows to fill or dismiss",
		`<a href="/incidents/` + e.incident + `/narrative#sec-root_cause">Root cause</a> <span class="count">1</span>`,
		`<a href="/incidents/` + e.incident + `/narrative#sec-whys">5 whys</a> <span class="count">5</span>`,
		`<a href="/incidents/` + e.incident + `#timeline">Timeline</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the findings panel lacks %s", want)
		}
	}
	if strings.Contains(page, "lint finding(s) block review</h3>") {
		t.Error("the findings are still one wall")
	}
	// The API keeps the full list.
	req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/incidents/"+e.incident+"/lint", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[hindsight.RoleViewer])
	resp, body := mustDo(t, http.DefaultClient, req)
	wantStatus(t, "lint API", resp, string(body), http.StatusOK)
	if n := strings.Count(string(body), `"rule"`); n < 90 {
		t.Errorf("the API lists %d findings, want the full list", n)
	}
}
