package http_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// editorBoxRE finds the editor's boxes: name, then value or text.
var (
	editorNameRE = regexp.MustCompile(`name="((?:[a-z_]+)\.\d+(?:\.[qa])?)"`)
	editorBaseRE = regexp.MustCompile(`name="(base\.[a-z_]+\.\d+(?:\.[qa])?)" value="([0-9a-f]+)"`)
)

// editorForm reads the editor page: its version, its boxes' names and the
// digests they were opened with.
func editorForm(t *testing.T, page string) (version string, names []string, base url.Values) {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the editor has no version field:\n%.2000s", page)
	}
	seen := map[string]bool{}
	for _, n := range editorNameRE.FindAllStringSubmatch(page, -1) {
		if !seen[n[1]] {
			seen[n[1]] = true
			names = append(names, n[1])
		}
	}
	base = url.Values{}
	for _, b := range editorBaseRE.FindAllStringSubmatch(page, -1) {
		base.Set(b[1], b[2])
	}
	return m[1], names, base
}

func TestUI_NarrativeEditor(t *testing.T) {
	ctx := context.Background()
	e := mustOpenUI(t, nil)
	b := e.signedIn(t, hindsight.RoleEditor)
	path := "/incidents/" + e.incident + "/narrative"

	t.Run("OpensEmptyWithHints", func(t *testing.T) {
		resp, page := b.get(path)
		wantStatus(t, "GET editor", resp, page, http.StatusOK)
		for _, hint := range []string{"[Brief technical explanation]", "[Immediate symptom]", "[Direct cause]", "[Code bugs, configuration issues, infrastructure problems]"} {
			if !strings.Contains(page, `placeholder="`+html.EscapeString(hint)+`"`) {
				t.Errorf("no box has the hint %s", hint)
			}
		}
		if regexp.MustCompile(`<textarea[^>]*>[^<]+</textarea>`).MatchString(page) {
			t.Error("a box of a fresh draft opens with text in it")
		}
		if n := strings.Count(page, `<li class="state-empty">`); n != 15 {
			t.Errorf("%d sections shown empty in the navigation, want all 15", n)
		}
		_, names, _ := editorForm(t, page)
		if len(names) != 3+1+4+10+3*4+3*4+5+4+3 {
			t.Errorf("%d boxes: %v", len(names), names)
		}
	})

	t.Run("EmptySaveKeepsEveryPlaceholder", func(t *testing.T) {
		_, before := b.get("/incidents/" + e.incident + "/postmortem.md")
		_, page := b.get(path)
		version, names, base := editorForm(t, page)
		form := url.Values{"version": {version}, "do": {"save"}}
		for _, n := range names {
			form.Set(n, "")
		}
		for k, v := range base {
			form[k] = v
		}
		resp, body := b.post(path, form)
		wantStatus(t, "save empty", resp, body, http.StatusSeeOther)
		_, after := b.get("/incidents/" + e.incident + "/postmortem.md")
		if a, b := withoutVersionLines(after), withoutVersionLines(before); a != b {
			t.Errorf("saving empty boxes changed the document beyond its version:\n%s", firstLineDiff(b, a))
		}
		doc, _ := e.store.FindDocument(ctx, e.incident)
		if doc.Narrative.RootCause != postmortem.PlaceholderNarrative().RootCause {
			t.Errorf("root cause stored as %q, want the seed's placeholder", doc.Narrative.RootCause)
		}
	})

	t.Run("OneSaveWritesEverySection", func(t *testing.T) {
		_, page := b.get(path)
		version, names, base := editorForm(t, page)
		doc, _ := e.store.FindDocument(ctx, e.incident)
		_, revsBefore, _ := e.store.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: e.incident})
		form := url.Values{"version": {version}, "do": {"save"}}
		for k, v := range base {
			form[k] = v
		}
		for _, n := range names {
			form.Set(n, "Written for "+n+" — ünïcödé ✓")
		}
		resp, body := b.post(path, form)
		wantStatus(t, "save all", resp, body, http.StatusSeeOther)
		got, _ := e.store.FindDocument(ctx, e.incident)
		if got.Version != doc.Version+1 {
			t.Errorf("version %d → %d: want one write", doc.Version, got.Version)
		}
		_, revsAfter, _ := e.store.FindRevisions(ctx, hindsight.RevisionFilter{IncidentID: e.incident})
		if revsAfter != revsBefore+1 {
			t.Errorf("%d revisions recorded, want 1", revsAfter-revsBefore)
		}
		n := got.Narrative
		if n.RootCause != "Written for root_cause.0 — ünïcödé ✓" || n.Whys[4].Answer != "Written for whys.4.a — ünïcödé ✓" ||
			n.Whys[0].Prompt != "Written for whys.0.q — ünïcödé ✓" || n.ExternalCommunication[2].Value != "Written for external_communication.2 — ünïcödé ✓" {
			t.Errorf("narrative not written: %+v", n)
		}
		_, page = b.get(resp.Header.Get("Location"))
		if c := strings.Count(page, `<li class="state-done">`); c != 15 {
			t.Errorf("%d sections done in the navigation after writing all, want 15", c)
		}
		if !strings.Contains(page, "Narrative saved") {
			t.Error("no confirmation after saving")
		}
	})

	t.Run("ConflictShowsBothAndMergesTheRest", func(t *testing.T) {
		ana, ben := e.signedIn(t, hindsight.RoleEditor), e.signedIn(t, hindsight.RoleEditor)
		_, pa := ana.get(path)
		_, pb := ben.get(path)
		va, _, basea := editorForm(t, pa)
		vb, _, baseb := editorForm(t, pb)
		fa := url.Values{"version": {va}, "do": {"save"}, "root_cause.0": {"Ana's root cause"}, "resolution.0": {"Ana's resolution"}}
		for k, v := range basea {
			fa[k] = v
		}
		resp, body := ana.post(path, fa)
		wantStatus(t, "ana saves", resp, body, http.StatusSeeOther)
		fb := url.Values{"version": {vb}, "do": {"save"}, "root_cause.0": {"Ben's root cause"}, "impact.0": {"Ben's impact"},
			"resolution.0": {"Written for resolution.0 — ünïcödé ✓"}}
		for k, v := range baseb {
			fb[k] = v
		}
		before, _ := e.store.FindDocument(ctx, e.incident)
		resp, body = ben.post(path, fb)
		wantStatus(t, "ben saves a stale version", resp, body, http.StatusConflict)
		if !strings.Contains(body, "Ana&#39;s root cause") || !strings.Contains(body, "Ben&#39;s root cause") {
			t.Errorf("the conflict does not show both texts:\n%.3000s", body)
		}
		if strings.Count(body, `class="box conflict"`) != 1 {
			t.Errorf("want exactly the root cause in conflict")
		}
		if after, _ := e.store.FindDocument(ctx, e.incident); after.Version != before.Version || after.Narrative.RootCause != "Ana's root cause" {
			t.Fatalf("a refused save changed the document: %+v", after.Narrative.RootCause)
		}
		// Saving again from the conflict page writes Ben's text, keeps
		// Ana's resolution (Ben left it as he opened it) and takes his impact.
		v2, _, base2 := editorForm(t, body)
		fb.Set("version", v2)
		fb.Set("resolution.0", boxValue(t, body, "resolution.0")) // what the page shows
		for k, v := range base2 {
			fb[k] = v
		}
		resp, body = ben.post(path, fb)
		wantStatus(t, "ben saves again", resp, body, http.StatusSeeOther)
		got, _ := e.store.FindDocument(ctx, e.incident)
		if n := got.Narrative; n.RootCause != "Ben's root cause" || n.Resolution != "Ana's resolution" || n.Impact != "Ben's impact" {
			t.Errorf("merged narrative: root cause %q, resolution %q, impact %q", n.RootCause, n.Resolution, n.Impact)
		}
	})

	t.Run("ViewerCannotEdit", func(t *testing.T) {
		resp, body := e.signedIn(t, hindsight.RoleViewer).get(path)
		wantStatus(t, "viewer", resp, body, http.StatusForbidden)
	})
	t.Run("HistoryReadsAsActivity", func(t *testing.T) {
		_, page := b.get("/incidents/" + e.incident + "/history")
		for _, want := range []string{"<strong>@editor</strong> edited ", "Root cause", "5 whys", "<details><summary>Show the changes</summary>"} {
			if !strings.Contains(page, want) {
				t.Errorf("history lacks %q:\n%.3000s", want, page)
			}
		}
	})
	t.Run("StaleVersionMissing", func(t *testing.T) {
		resp, body := b.post(path, url.Values{"root_cause.0": {"x"}})
		wantStatus(t, "no version", resp, body, http.StatusBadRequest)
	})
}

// boxValue returns the text a box of the editor page shows.
func boxValue(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<textarea id="` + regexp.QuoteMeta(name) + `"[^>]*>([^<]*)</textarea>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no box %s", name)
	}
	return html.UnescapeString(strings.TrimPrefix(m[1], "\n"))
}

// withoutVersionLines drops the document's version and last-updated lines,
// which every write changes.
func withoutVersionLines(doc string) string {
	var keep []string
	for _, l := range strings.Split(doc, "\n") {
		if !strings.Contains(l, "Version") && !strings.Contains(l, "Last Updated") && !strings.Contains(l, "Last updated") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// firstLineDiff shows the first line where two documents differ.
func firstLineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] {
			return "line " + strconv.Itoa(i+1) + ":\n want " + w[i] + "\n  got " + g[i]
		}
	}
	return "lengths differ"
}
